//! Reply coach speed: one `analyze` of a 150-word reply to a 200-word
//! customer message, with the business calendar, an earlier reply and every
//! check. Criterion reports the mean and median; the p99 of single calls is
//! printed after it (a slow call is what an agent typing would notice).
//!
//! Run with `cargo bench -p rapport-coach --bench analyze`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

/// The allocator the `rapport` binary runs the coach with.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use rapport_coach::analyze;
use rapport_coach::evaluation::{TYPICAL_DRAFT, typical_context};
use std::hint::black_box;
use std::time::Instant;

fn bench(c: &mut Criterion) {
    let context = typical_context();
    assert!(context.calendar.is_some());
    let _ = analyze(TYPICAL_DRAFT, &context);
    c.bench_function("analyze a 150-word reply", |b| {
        b.iter(|| analyze(black_box(TYPICAL_DRAFT), black_box(&context)))
    });
    let mut micros: Vec<f64> = (0..5_000)
        .map(|_| {
            let started = Instant::now();
            black_box(analyze(black_box(TYPICAL_DRAFT), &context));
            started.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| micros[((micros.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "analyze, single calls: median {:.0} µs, p99 {:.0} µs ({} calls)",
        at(0.5),
        at(0.99),
        micros.len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
