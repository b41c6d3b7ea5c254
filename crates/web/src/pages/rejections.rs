//! What is refused before a page's handler runs, as a page in the reader's
//! language: axum's form rejections, a body over the limit, a path id that
//! is no number, a route nobody has, a URL or headers too large. The JSON
//! API keeps its English JSON error with its code: only the pages' routes,
//! and a browser asking for HTML outside `/api/`, get a page.

use super::render::PageError;
use super::session::{AgentPage, portal_page_lang};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rapport_app::Msg;

/// The headers an error keeps when it becomes a page.
const KEPT: [header::HeaderName; 2] = [header::ALLOW, header::RETRY_AFTER];

/// Turns an error response that is not a page (axum's plain text, the
/// API's JSON) into the error page, its status and `Allow`/`Retry-After`
/// kept, its sentence from the catalogues.
pub async fn as_pages(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_page {
        return response;
    }
    let mut page = PageError::from(refused(status)).into_response();
    for name in KEPT {
        if let Some(value) = response.headers().get(&name) {
            page.headers_mut().insert(name, value.clone());
        }
    }
    page
}

/// The refusal of a bare status: the API's code and English sentence, and
/// the page's catalogue key.
fn refused(status: StatusCode) -> ApiError {
    let key = match status.as_u16() {
        400 | 415 | 422 => "error.page.form_unreadable",
        404 => "error.page.no_such_page",
        405 => "error.page.method",
        408 => "error.page.too_slow",
        413 => "error.page.body_too_large",
        414 | 431 => "error.page.request_too_large",
        429 => "error.page.too_many",
        503 => "error.code.storage_unavailable",
        s if s >= 500 => "error.code.internal_error",
        _ => "error.page.request_refused",
    };
    let mut error = ApiError::for_status(status);
    error.sentence = Some(Box::new(Msg::new(key, Vec::new())));
    error
}

/// A workspace or portal address that names no page: a 404 page in the
/// reader's language (a signed-in agent's or customer's own).
pub async fn no_such_page(State(s): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    if parts.uri.path().starts_with("/portal") {
        portal_page_lang(&s, &parts.headers).await;
    } else if super::session::cookie(&parts.headers, super::session::AGENT_COOKIE).is_some() {
        // Known only to set the page's language; a stale session is no matter.
        let _ = AgentPage::from_request_parts(&mut parts, &s).await;
    }
    PageError::from(refused(StatusCode::NOT_FOUND)).into_response()
}

/// Whether a refusal of this request is read by a person: a workspace or
/// portal address, or a browser asking for HTML anywhere but the API.
pub fn wants_page(uri: &Uri, headers: &HeaderMap) -> bool {
    let path = uri.path();
    let under = |root: &str| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under("/app") || under("/portal") {
        return true;
    }
    !under("/api")
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
}

/// A request refused before routing (a URL or headers too large), as the
/// error page in the browser's language, its status kept.
pub fn refused_page(status: StatusCode, headers: &HeaderMap) -> Response {
    super::render::in_page_lang(super::render::lang_of(headers), || {
        PageError::from(refused(status)).into_response()
    })
}

/// An address no route has, outside the workspace and the portal: a page
/// for a browser asking for HTML, the API's JSON 404 otherwise.
pub async fn unrouted(state: State<AppState>, request: Request) -> Response {
    if !wants_page(request.uri(), request.headers()) {
        return ApiError::not_found("route").into_response();
    }
    let lang = super::render::lang_of(request.headers());
    super::render::scoped_page_lang(lang, no_such_page(state, request)).await
}
