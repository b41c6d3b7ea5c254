//! An agent's notifications (response targets, promises, mentions): the
//! newest first, unread ones marked, each with its ticket and a button that
//! marks it read. The same use cases as `GET /api/v1/notifications`.

use super::render::{PageError, page, when};
use super::session::AgentPage;
use crate::extract::Id;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// One notification as the page shows it.
struct Row {
    id: i64,
    kind: String,
    text: String,
    ticket: Option<i64>,
    at: String,
    at_iso: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: super::render::Chrome,
    rows: Vec<Row>,
    unread: usize,
}

/// The agent's notifications.
pub async fn show(State(s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    let items = s.app.notifications(&agent.caller, false).await?;
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = agent.chrome.lang;
    let rows: Vec<Row> = items
        .into_iter()
        .map(|n| {
            let (at, at_iso) = when(n.created_at, &zone, lang);
            Row {
                id: n.id,
                kind: super::render::word(lang, "notification.kind", n.kind).to_string(),
                text: rapport_app::notices::notification_text(&n.text, n.words.as_deref(), lang),
                ticket: n.ticket_id.map(|t| t.0),
                at,
                at_iso,
                unread: n.read_at.is_none(),
            }
        })
        .collect();
    let unread = rows.iter().filter(|r| r.unread).count();
    let template = NotificationsPage {
        chrome: agent.chrome,
        rows,
        unread,
    };
    Ok(page(StatusCode::OK, &template))
}

/// Marks one of the agent's notifications read; another's is not found.
pub async fn read(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    s.app.read_notification(&agent.caller, id).await?;
    Ok(Redirect::to("/app/notifications").into_response())
}
