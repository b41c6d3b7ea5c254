//! Times queries one at a time against an index on disk (the search
//! benchmark's, say), to see where the time of a query goes:
//!
//!   cargo run --release -p rapport-search --example query_times -- bench/out/search-sqlite/search
//!
//! With `--merge` first merges the index's segments into one (on a copy!).

use rapport_search::{Context, Language, Query, SearchIndex, Sort};
use std::path::Path;
use std::time::Instant;

const QUERIES: [&str; 10] = [
    "refund",
    "order",
    "password",
    "delivery",
    "\"my order\"",
    "\"credit card\"",
    "\"customer service\"",
    "\"the app\"",
    "status:open order",
    "tag:amazon refund",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .ok_or("usage: query_times INDEX_ROOT [--merge]")?;
    let root = Path::new(&root);
    if args.next().as_deref() == Some("--merge") {
        let current = std::fs::read_to_string(root.join("CURRENT"))?;
        let index = tantivy::Index::open_in_dir(root.join(current.trim()))?;
        let mut writer: tantivy::IndexWriter<tantivy::TantivyDocument> =
            index.writer_with_num_threads(1, 64 * 1024 * 1024)?;
        let ids = index.searchable_segment_ids()?;
        let started = Instant::now();
        println!("merging {} segments", ids.len());
        writer.merge(&ids).wait()?;
        writer.wait_merging_threads()?;
        println!("merged in {:.1} s", started.elapsed().as_secs_f64());
    }
    let (index, _) = SearchIndex::open(root, Language::English)?;
    let ctx = Context::default();
    for text in QUERIES {
        let query = Query::parse(text).map_err(|e| format!("{text}: {e:?}"))?;
        let mut times = Vec::new();
        for _ in 0..30 {
            let started = Instant::now();
            let page = index.search(&query, &ctx, Sort::Relevance, 0, 20)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(page);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{text:<24} median {:6.1} ms  max {:6.1} ms",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
    Ok(())
}
