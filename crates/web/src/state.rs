//! What every handler can reach.

use crate::metrics::Metrics;
use rapport_app::App;
use std::sync::Arc;

/// Shared state of the HTTP layer.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: App,
    /// Request counters and latencies.
    pub metrics: Arc<Metrics>,
    /// Changed tickets for the pages' live updates.
    pub live: Arc<crate::pages::live::Feed>,
}
