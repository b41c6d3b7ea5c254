//! Helpers of the index tests.
#![allow(dead_code, clippy::expect_used)]

use rapport_search::{Context, Query, SearchIndex, Sort};
use std::path::PathBuf;

/// A fresh directory for an index.
pub fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rapport-search-{name}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The ids `q` finds (up to 100), sorted.
pub fn found_sorted(index: &SearchIndex, q: &str, ctx: &Context, sort: Sort) -> Vec<i64> {
    let query = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let mut ids: Vec<i64> = index
        .search(&query, ctx, sort, 0, 100)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .hits
        .into_iter()
        .map(|h| h.ticket_id)
        .collect();
    ids.sort_unstable();
    ids
}
