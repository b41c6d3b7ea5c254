//! Times queries one at a time against an index on disk (the search
//! benchmark's, say), to see where the time of a query goes:
//!
//!   cargo run --release -p rapport-search --example query_times -- bench/out/search-sqlite/search
//!
//! With `--team billing=1` it adds filtered queries on that team.
//! With `--merge` first merges the index's segments into one (on a copy!).
//! Each line gives the whole search's median and maximum, and the medians
//! of its two parts: matching and ranking, then loading the hits and
//! making their snippets.

use rapport_search::{Context, Language, Query, SearchIndex, Sort};
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context as LayerContext, SubscriberExt};

/// The (matching, snippets) times in µs the index logged, one per search.
static SPLITS: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());

/// Catches the index's `search: index` debug event and keeps its times.
struct Splits;

#[derive(Default)]
struct SplitVisit(u64, u64);

impl Visit for SplitVisit {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "match_us" => self.0 = value,
            "snippets_us" => self.1 = value,
            _ => {}
        }
    }
    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Splits {
    fn on_event(&self, event: &tracing::Event<'_>, _: LayerContext<'_, S>) {
        let mut visit = SplitVisit::default();
        event.record(&mut visit);
        if let Ok(mut splits) = SPLITS.lock() {
            splits.push((visit.0, visit.1));
        }
    }
}

fn median(mut v: Vec<u64>) -> f64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0) as f64 / 1000.0
}

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
        .ok_or("usage: query_times INDEX_ROOT [--merge] [--team NAME=ID]")?;
    let root = Path::new(&root);
    let rest: Vec<String> = args.collect();
    // `--team name=id` adds filtered queries on that team.
    let team = rest
        .iter()
        .position(|a| a == "--team")
        .and_then(|i| rest.get(i + 1))
        .and_then(|t| t.split_once('='))
        .map(|(name, id)| (name.to_string(), id.parse::<i64>().unwrap_or(0)));
    if rest.iter().any(|a| a == "--merge") {
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
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry()
            .with(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with(Splits),
    )?;
    let (index, _) = SearchIndex::open(root, Language::English)?;
    let mut ctx = Context::default();
    let mut queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();
    if let Some((name, id)) = team {
        ctx.teams.insert(name.clone(), id);
        for word in ["order", "refund", "delivery"] {
            queries.push(format!("status:open team:{name} {word}"));
        }
    }
    for text in &queries {
        let text = text.as_str();
        let query = Query::parse(text).map_err(|e| format!("{text}: {e:?}"))?;
        let mut times = Vec::new();
        if let Ok(mut splits) = SPLITS.lock() {
            splits.clear();
        }
        for _ in 0..30 {
            let started = Instant::now();
            let page = index.search(&query, &ctx, Sort::Relevance, 0, 20)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(page);
        }
        times.sort_by(f64::total_cmp);
        let splits = SPLITS.lock().map(|s| s.clone()).unwrap_or_default();
        println!(
            "{text:<24} median {:6.2} ms  max {:6.2} ms  (matching {:5.2} ms, snippets {:5.2} ms)",
            times[times.len() / 2],
            times[times.len() - 1],
            median(splits.iter().map(|s| s.0).collect()),
            median(splits.iter().map(|s| s.1).collect()),
        );
    }
    Ok(())
}
