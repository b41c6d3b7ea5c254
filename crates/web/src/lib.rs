//! Rapport's HTTP layer: the JSON API, its OpenAPI document and reference
//! page, the agent workspace's and customer portal's pages, health and
//! Prometheus metrics.
//!
//! Handlers only extract, call `rapport-app` and render; every bad request
//! becomes the one error shape in [`error`]. [`serve`] takes a bound listener
//! and a shutdown future, so tests run the real server on port 0.

pub mod api;
mod conn;
mod docs_page;
pub mod error;
pub mod extract;
pub mod guard;
pub mod metrics;
pub mod narrowing;
pub mod pages;
pub mod state;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use metrics::Metrics;
use rapport_app::App;
use state::AppState;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tracing::Instrument;
use utoipa::OpenApi;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Builds the whole application router.
pub fn router(app: App) -> Router {
    let state = AppState {
        app,
        metrics: Arc::new(Metrics::default()),
        live: Arc::default(),
    };
    let openapi_json = Arc::new(serde_json::to_string(&api::ApiDoc::openapi()).unwrap_or_default());
    let docs_html = Arc::new(docs_page::render(&api::ApiDoc::openapi()));
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        body.as_str().to_owned(),
                    )
                }
            }),
        )
        .route(
            "/api/v1/docs",
            get(move || {
                let body = docs_html.clone();
                async move { Html(body.as_str().to_owned()) }
            }),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .fallback(pages::rejections::unrouted)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(error::shape_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

async fn healthz(State(s): State<AppState>) -> Response {
    match s.app.ping().await {
        Ok(()) => axum::Json(serde_json::json!({"status": "ok", "database": "ok"})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": "unreachable"})),
            )
                .into_response()
        }
    }
}

/// The Prometheus metrics, for an admin's `metrics`, `read_only` or `admin` token.
async fn metrics_text(
    State(s): State<AppState>,
    extract::Auth(caller): extract::Auth,
) -> error::ApiResult<impl IntoResponse> {
    s.app.may_read_metrics(&caller)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    ))
}

static NEXT_REQUEST: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (the caller's `x-request-id` if sane), a span,
/// one log line and its metrics; sets security headers.
async fn observe(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_string)
        .unwrap_or_else(|| format!("r{:x}", NEXT_REQUEST.fetch_add(1, Ordering::Relaxed)));
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let span = tracing::info_span!("request", id = %request_id, %method, %route, agent = tracing::field::Empty);
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| tracing::info!(status, micros = elapsed.as_micros() as u64, "handled"));
    s.metrics.record(&method, &route, status, elapsed);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", v);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // Tokens (login, setup, new API tokens) and private records must never be cached.
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    // A download sets its own, stricter policy (a sandbox); keep it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ),
        );
    }
    response
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
/// Each request knows its peer's address (for the rate limits), and requests
/// too malformed for the router still get the one error shape (see `conn.rs`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router(app)
        .layer(axum::middleware::map_request(conn::peer_address))
        .into_make_service_with_connect_info::<conn::Peer>();
    axum::serve(conn::ShapedListener(listener), service)
        .with_graceful_shutdown(shutdown)
        .await
}
