//! Search: `GET /api/v1/search?q=...`.

use super::types::{Page, TicketOut};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Query};
use crate::state::AppState;
use axum::extract::State;
use rapport_app::Principal;
use rapport_app::search::{SearchHit, SearchRequest, Sort};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// The query: words, "exact phrases", -exclude, status:open, owner:me
    /// (or none, or an agent's address), team:billing, tag:refund,
    /// from:ana@example.net, customer:"Ana Silva", has:attachment,
    /// created:>2026-01-01 (also <, >=, <=, a day, or 2026-01-01..2026-01-31), #1234.
    pub q: String,
    /// `relevance` (default: best first, the most recently changed first
    /// among equals) or `newest` (most recently changed first).
    pub sort: Option<String>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 20).
    pub limit: Option<usize>,
}

/// A ticket found, with highlighted fragments.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitOut {
    /// The ticket as it is now.
    pub ticket: TicketOut,
    /// The subject, HTML-escaped, matched words in `<mark>`.
    pub subject_html: String,
    /// A fragment of its messages, HTML-escaped, matched words in
    /// `<mark>`; empty when the match is elsewhere (a name, a filter).
    pub snippet_html: String,
    /// Relevance (0 when sorted by date).
    pub score: f32,
}

impl From<&SearchHit> for SearchHitOut {
    fn from(h: &SearchHit) -> Self {
        Self {
            ticket: (&h.ticket).into(),
            subject_html: h.subject_html.clone(),
            snippet_html: h.snippet_html.clone(),
            score: h.score,
        }
    }
}

/// The request the use cases take, from the query parameters.
pub fn request(q: SearchQuery) -> ApiResult<SearchRequest> {
    let sort = match q.sort.as_deref() {
        None | Some("relevance") => Sort::Relevance,
        Some("newest") => Sort::Newest,
        Some(_) => return Err(ApiError::field("sort", "must be relevance or newest")),
    };
    let limit = q.limit.unwrap_or(20);
    if !(1..=rapport_app::search::MAX_PAGE).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 100"));
    }
    Ok(SearchRequest {
        q: q.q,
        sort,
        cursor: q.cursor,
        limit,
    })
}

/// Search the tickets the caller may read. A query that cannot be parsed
/// is a 400 `bad_query` whose `span` gives the bytes at fault.
#[utoipa::path(get, path = "/api/v1/search", tag = "tickets", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<SearchHitOut>), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn search(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<Page<SearchHitOut>>> {
    let results = s.app.search(&Principal::from(caller), &request(q)?).await?;
    Ok(axum::Json(Page {
        items: results.hits.iter().map(Into::into).collect(),
        next_cursor: results.next_cursor,
    }))
}
