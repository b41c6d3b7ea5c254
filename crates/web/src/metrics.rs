//! Per-route request counters and latency histograms in Prometheus' text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// Counts requests by route, method and status, and their latency.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = routes
            .entry((method.to_string(), route.to_string()))
            .or_default();
        *stats.by_status.entry(status).or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                stats.buckets[i] += 1;
            }
        }
        stats.count += 1;
        stats.sum_seconds += seconds;
    }

    /// The Prometheus exposition text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP rapport_http_requests_total HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE rapport_http_requests_total counter");
        let Ok(routes) = self.routes.lock() else {
            return out;
        };
        for ((method, route), stats) in routes.iter() {
            for (status, n) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "rapport_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP rapport_http_request_duration_seconds HTTP request latency by route and method."
        );
        let _ = writeln!(
            out,
            "# TYPE rapport_http_request_duration_seconds histogram"
        );
        for ((method, route), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(stats.buckets) {
                let _ = writeln!(
                    out,
                    "rapport_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_requests() {
        let m = Metrics::default();
        m.record("GET", "/api/v1/tickets", 200, Duration::from_micros(700));
        m.record("GET", "/api/v1/tickets", 200, Duration::from_millis(30));
        m.record("GET", "/api/v1/tickets", 404, Duration::from_micros(100));
        let text = m.render();
        assert!(text.contains(r#"rapport_http_requests_total{method="GET",route="/api/v1/tickets",status="200"} 2"#), "{text}");
        assert!(text.contains(r#"status="404"} 1"#));
        assert!(
            text.contains(r#"route="/api/v1/tickets",le="0.001"} 2"#),
            "{text}"
        );
        assert!(text.contains(r#"route="/api/v1/tickets",le="+Inf"} 3"#));
    }
}
