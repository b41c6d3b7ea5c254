//! Profiling aid: runs `analyze` on the typical 150-word reply a given
//! number of times (default 1,000), for `valgrind --tool=callgrind`.
//! `cargo build --release -p rapport-coach --example profile` then
//! `valgrind --tool=callgrind target/release/examples/profile 200`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

/// The allocator the `rapport` binary runs the coach with.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use rapport_coach::analyze;
use rapport_coach::evaluation::{TYPICAL_DRAFT, typical_context};
use std::hint::black_box;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000);
    let context = typical_context();
    // The first call builds the phrase tables and the model: not measured.
    let first = analyze(TYPICAL_DRAFT, &context);
    let started = std::time::Instant::now();
    for _ in 0..n {
        black_box(analyze(black_box(TYPICAL_DRAFT), black_box(&context)));
    }
    println!(
        "{} findings; {n} calls, {:.1} µs a call",
        first.findings.len(),
        started.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
