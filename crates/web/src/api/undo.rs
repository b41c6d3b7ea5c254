//! Undo send over the API: a reply held before it leaves, the replies an
//! agent still may take back, and taking one back.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Id};
use crate::state::AppState;
use axum::extract::State;
use rapport_app::undo_send::{HeldReply, HeldStatus};
use rapport_core::{TicketId, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// A reply waiting to leave (undo send), or one taken back.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldReplyOut {
    /// Its id (for `POST /api/v1/held-replies/{id}/undo`).
    pub id: i64,
    /// The ticket it answers.
    pub ticket_id: i64,
    /// The text.
    pub body: String,
    /// `held`, `releasing`, `released`, `undone` or `failed`.
    pub status: String,
    /// When it leaves unless undone.
    pub release_at: String,
    /// Seconds left to undo it (0 once it can no longer be undone).
    pub seconds_left: i64,
    /// Where to take it back.
    pub undo_url: String,
}

impl From<&HeldReply> for HeldReplyOut {
    fn from(h: &HeldReply) -> Self {
        let left = (h.release_at.0 - Timestamp::now().0).max(0);
        Self {
            id: h.id,
            ticket_id: h.ticket_id.0,
            body: h.body.clone(),
            status: h.status.as_str().to_string(),
            release_at: h.release_at.to_string(),
            seconds_left: if h.status == HeldStatus::Held {
                (left + 999_999) / 1_000_000
            } else {
                0
            },
            undo_url: format!("/api/v1/held-replies/{}/undo", h.id),
        }
    }
}

/// The caller's replies on a ticket that have not left yet (undo send).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/held-replies", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HeldReplyOut>), (status = 403, body = ErrorBody)))]
pub async fn list_held(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<Vec<HeldReplyOut>>> {
    let held = s.app.held_replies(&caller, TicketId(id)).await?;
    Ok(axum::Json(held.iter().map(Into::into).collect()))
}

/// Take back a reply before it leaves: nothing reaches the ticket or the
/// customer, and its text becomes the sender's draft again. 409 once it has left.
#[utoipa::path(post, path = "/api/v1/held-replies/{id}/undo", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = HeldReplyOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn undo(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<HeldReplyOut>> {
    let undone = s.app.undo_reply(&caller, id).await?;
    Ok(axum::Json((&undone).into()))
}
