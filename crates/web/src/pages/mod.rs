//! The pages people use in a browser: the agent workspace under `/app`
//! (and the customer portal under `/portal`), server-rendered from askama
//! templates compiled into the binary.
//!
//! Like the JSON API, a handler only extracts, calls `rapport-app` and
//! renders. Every page works without JavaScript (plain forms, POST then a
//! redirect to a GET); a small script adds shortcuts and the live list.
//! Every page answers with a strict Content-Security-Policy (no inline
//! script, no remote anything, `frame-ancestors 'none'`), and every
//! state-changing request must carry the form's CSRF token ([`check_csrf`]).

pub mod admin;
pub mod assets;
pub mod bulk;
#[cfg(test)]
mod catalogue_tests;
pub mod coaching;
pub mod collisions;
pub mod composer;
pub mod feedback;
pub mod history;
pub mod inbox;
pub mod live;
pub mod notifications;
pub mod portal;
pub mod portal_form;
pub mod preferences;
#[cfg(test)]
mod refusal_catalogue_tests;
pub mod rejections;
pub mod render;
pub mod reports;
mod search;
pub mod session;
pub mod sign_in;
pub mod ticket;
pub mod ticket_fields;

use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use rapport_app::web_sessions::csrf_matches;
use render::PageError;
use session::{Area, form_secret};

/// The Content-Security-Policy of every page: scripts, styles, images and
/// connections from this site only (remote images in mail never load), no
/// inline script, no framing, forms post here only.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The page routes.
pub fn routes() -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(inbox::root))
        .route("/app", get(inbox::inbox))
        .route("/app/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/app/sign-out", post(sign_in::sign_out))
        .route("/app/live", get(live::stream))
        .route("/app/bulk", post(bulk::bulk))
        .route("/app/search", get(search::workspace))
        .route("/app/reports", get(reports::show))
        .route("/app/reports/csv", get(reports::csv))
        .route("/app/reports/coaching", get(coaching::show))
        .route("/app/notifications", get(notifications::show))
        .route("/app/notifications/{id}/read", post(notifications::read))
        .route("/portal/search", get(search::portal))
        .route("/app/tickets/{id}", get(ticket::show))
        .route("/app/tickets/{id}/reply", post(ticket::reply))
        .route("/app/tickets/{id}/note", post(ticket::note))
        .route("/app/held-replies/{id}/undo", post(ticket::undo))
        .route("/app/tickets/{id}/assign-to-me", post(ticket::assign_to_me))
        .route("/app/tickets/{id}/assign", post(ticket_fields::assign))
        .route("/app/tickets/{id}/transfer", post(ticket::transfer))
        .route("/app/tickets/{id}/status", post(ticket::status))
        .route("/app/tickets/{id}/presence", post(collisions::heartbeat))
        .route("/app/tickets/{id}/presence/leave", post(collisions::leave))
        .route("/app/tickets/{id}/draft", post(collisions::save_draft))
        .route("/app/tickets/{id}/coach", post(composer::coach))
        .route("/app/tickets/{id}/priority", post(ticket_fields::priority))
        .route("/app/tickets/{id}/tags", post(ticket_fields::tags))
        .route("/app/attachments/{id}", get(ticket::attachment))
        .route("/portal", get(portal::list))
        .route("/portal/live", get(live::portal_stream))
        .route(
            "/portal/new",
            get(portal::new_form).post(portal::new_submit).layer(
                axum::extract::DefaultBodyLimit::max(portal_form::MAX_PORTAL_BODY_BYTES),
            ),
        )
        .route("/portal/sent", get(portal::sent))
        .route(
            "/portal/sign-in",
            get(portal::sign_in_form).post(portal::sign_in_submit),
        )
        .route("/portal/sign-out", post(portal::sign_out))
        .route(
            "/portal/link/{token}",
            get(portal::link).post(portal::redeem),
        )
        .route("/portal/t/{token}", get(portal::ticket_link))
        .route("/portal/contact", get(portal::contact))
        .route("/portal/language", post(portal::choose_language))
        .route(
            "/app/preferences",
            get(preferences::show).post(preferences::save),
        )
        .route("/portal/tickets/{id}", get(portal::ticket))
        .route(
            "/portal/tickets/{id}/reply",
            post(portal::reply).layer(axum::extract::DefaultBodyLimit::max(
                portal_form::MAX_PORTAL_BODY_BYTES,
            )),
        )
        .route("/portal/attachments/{id}", get(portal::attachment))
        .route(
            "/portal/survey/{token}",
            get(feedback::survey).post(feedback::survey_submit),
        )
        .route("/portal/tickets/{id}/rating", post(feedback::portal_rate))
        .route("/app/recovery", get(feedback::recovery))
        .route("/app/recovery/{id}", post(feedback::recovery_follow_up))
        .merge(admin::routes())
        .route("/app/{*rest}", any(rejections::no_such_page))
        .route("/portal/{*rest}", any(rejections::no_such_page))
        .layer(axum::middleware::from_fn(check_csrf))
        .layer(axum::middleware::from_fn(rejections::as_pages))
        .layer(axum::middleware::from_fn(render::with_page_lang))
        .layer(axum::middleware::from_fn(page_headers));
    Router::new()
        .route("/assets/{name}", get(assets::serve))
        .merge(pages)
}

/// Sets the pages' security headers.
async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        );
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// The largest form accepted (a reply's text and its fields).
const MAX_FORM_BYTES: usize = crate::MAX_BODY_BYTES;

/// Refuses every request but GET and HEAD whose CSRF token (the form's
/// `csrf` field, the `csrf` query parameter of a file upload, or an
/// `X-CSRF-Token` header) is not the one of the browser's cookie, and any
/// whose `Origin` is another site.
async fn check_csrf(request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    if let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host);
        if !same {
            return PageError::csrf().into_response();
        }
    }
    let Some(secret) = form_secret(&parts.headers, Area::of(parts.uri.path())) else {
        return PageError::csrf().into_response();
    };
    let from_header = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = parts.uri.query().and_then(|q| field(q.as_bytes(), "csrf"));
    let urlencoded = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let (token, body) = match from_header.or(from_query) {
        Some(token) => (Some(token), body),
        None if urlencoded => {
            let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => b,
                Err(_) => {
                    return crate::error::ApiError::for_status(
                        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    )
                    .into_response();
                }
            };
            (field(&bytes, "csrf"), Body::from(bytes))
        }
        None => (None, body),
    };
    match token {
        Some(token) if csrf_matches(&secret, &token) => {
            next.run(Request::from_parts(parts, body)).await
        }
        _ => PageError::csrf().into_response(),
    }
}

/// A field of an urlencoded form or query.
fn field(encoded: &[u8], name: &str) -> Option<String> {
    url_decoded(encoded)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

pub(crate) fn url_decoded(encoded: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    encoded.split(|b| *b == b'&').filter_map(|pair| {
        let mut it = pair.splitn(2, |b| *b == b'=');
        let key = decode(it.next()?);
        let value = decode(it.next().unwrap_or_default());
        Some((key, value))
    })
}

fn decode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
