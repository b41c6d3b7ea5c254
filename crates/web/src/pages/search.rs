//! Search pages: the workspace's (`/app/search`, every ticket the agent
//! may read) and the portal's (`/portal/search`, the customer's own). Both
//! call the same use cases as `GET /api/v1/search`; snippets arrive
//! HTML-escaped with only `<mark>` added, so they are shown as they are.

use super::render::{PageError, page, when};
use super::session::{AgentPage, CustomerPage};
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rapport_app::AppError;
use rapport_app::search::{SearchRequest, SearchResults, Sort};
use serde::Deserialize;

/// One result row.
struct Hit {
    id: i64,
    subject_html: String,
    snippet_html: String,
    status: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: super::render::Chrome,
    /// `/app` or `/portal`.
    base: &'static str,
    q: String,
    /// `q` percent-encoded for the next page's link.
    q_url: String,
    newest: bool,
    hits: Vec<Hit>,
    next: Option<String>,
    searched: bool,
}

/// The query of a search page.
#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    sort: Option<String>,
    cursor: Option<String>,
}

fn request(q: &SearchQuery) -> SearchRequest {
    SearchRequest {
        q: q.q.clone().unwrap_or_default(),
        sort: if q.sort.as_deref() == Some("newest") {
            Sort::Newest
        } else {
            Sort::Relevance
        },
        cursor: q.cursor.clone(),
        limit: 25,
    }
}

/// Renders results, or the query's error as a notice above the form.
fn render(
    chrome: super::render::Chrome,
    base: &'static str,
    q: &SearchQuery,
    found: Option<Result<SearchResults, AppError>>,
    zone: &jiff::tz::TimeZone,
) -> Result<Response, PageError> {
    let lang = chrome.lang;
    let (chrome, results, status) = match found {
        None => (chrome, None, StatusCode::OK),
        Some(Ok(r)) => (chrome, Some(r), StatusCode::OK),
        Some(Err(AppError::BadQuery {
            message,
            start,
            end,
        })) => (
            chrome.with_notice(
                lang.fill(
                    "search.bad_query",
                    &[
                        ("message", &message.text(lang)),
                        ("start", &(start + 1).to_string()),
                        ("end", &end.to_string()),
                    ],
                ),
                true,
            ),
            None,
            StatusCode::BAD_REQUEST,
        ),
        Some(Err(e)) => return Err(e.into()),
    };
    let (hits, next) = match results {
        Some(r) => (
            r.hits
                .into_iter()
                .map(|h| Hit {
                    id: h.ticket.id.0,
                    subject_html: h.subject_html,
                    snippet_html: h.snippet_html,
                    status: h.ticket.status.as_str(),
                    updated: when(h.ticket.updated_at, zone, lang).0,
                })
                .collect(),
            r.next_cursor,
        ),
        None => (Vec::new(), None),
    };
    let template = SearchPage {
        chrome,
        base,
        q: q.q.clone().unwrap_or_default(),
        q_url: percent_encode(q.q.as_deref().unwrap_or_default()),
        newest: q.sort.as_deref() == Some("newest"),
        hits,
        next,
        searched: q.q.as_deref().is_some_and(|s| !s.trim().is_empty()),
    };
    Ok(page(status, &template))
}

/// `text` with every byte but unreserved ones percent-encoded.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/app/search?q=`: every ticket the agent may read.
pub async fn workspace(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let found = match q.q.as_deref() {
        Some(text) if !text.trim().is_empty() => {
            Some(s.app.search(&agent.principal(), &request(&q)).await)
        }
        _ => None,
    };
    let zone = s.app.business_calendar().await?.time_zone().clone();
    render(agent.chrome, "/app", &q, found, &zone)
}

/// `/portal/search?q=`: the customer's own requests only.
pub async fn portal(
    State(s): State<AppState>,
    customer: CustomerPage,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let found = match q.q.as_deref() {
        Some(text) if !text.trim().is_empty() => {
            Some(s.app.search(&customer.principal(), &request(&q)).await)
        }
        _ => None,
    };
    let zone = s.app.business_calendar().await?.time_zone().clone();
    render(customer.chrome, "/portal", &q, found, &zone)
}
