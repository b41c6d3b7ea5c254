//! The mail channel's status: each mailbox's last poll and error, the
//! outbox's queue and failed sends (admins).

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Id};
use crate::state::AppState;
use axum::extract::State;
use rapport_app::mail_admin::MailStatus;
use serde::Serialize;
use utoipa::ToSchema;

/// What a mailbox's poller last did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxOut {
    /// The mailbox's name in the settings.
    pub mailbox: String,
    /// When a pass over the folder last succeeded (RFC 3339).
    pub last_poll_at: Option<String>,
    /// Messages that pass fetched.
    pub last_fetched: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it happened (RFC 3339).
    pub last_error_at: Option<String>,
    /// Whether the last thing that happened was a failure.
    pub failing: bool,
    /// `never_polled` (configured, no pass or failure recorded yet), `ok` or `failing`.
    pub state: String,
    /// Whether this server's `[[imap]]` settings name it.
    pub configured: bool,
}

/// A mail given up on.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailedSendOut {
    /// Outbox id.
    pub id: i64,
    /// Its ticket.
    pub ticket_id: Option<i64>,
    /// reply, acknowledgment, sign_in_link, escalation or survey.
    pub kind: String,
    /// Envelope recipients.
    pub recipients: Vec<String>,
    /// Attempts made.
    pub attempts: i64,
    /// Why it failed.
    pub last_error: Option<String>,
    /// When it was queued (RFC 3339).
    pub created_at: String,
}

/// The outbox's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxOut {
    /// Waiting for their next attempt.
    pub pending: i64,
    /// Being sent now.
    pub sending: i64,
    /// Given up.
    pub failed: i64,
    /// Returned by the recipient's server.
    pub bounced: i64,
    /// The latest failed sends, newest first (at most 50).
    pub failures: Vec<FailedSendOut>,
}

/// The mail channel's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailStatusOut {
    /// Every configured mailbox (also one never polled) and every one a
    /// poller has reported on, by name.
    pub mailboxes: Vec<MailboxOut>,
    /// The outbox.
    pub outbox: OutboxOut,
}

impl From<&MailStatus> for MailStatusOut {
    fn from(s: &MailStatus) -> Self {
        Self {
            mailboxes: s
                .mailboxes
                .iter()
                .map(|status| {
                    let m = &status.health;
                    MailboxOut {
                        mailbox: m.mailbox.clone(),
                        last_poll_at: m.last_poll_at.map(|t| t.to_string()),
                        last_fetched: m.last_fetched,
                        last_error: m.last_error.clone(),
                        last_error_at: m.last_error_at.map(|t| t.to_string()),
                        failing: m.failing(),
                        state: status.state().as_str().to_string(),
                        configured: status.configured,
                    }
                })
                .collect(),
            outbox: OutboxOut {
                pending: s.outbox.pending,
                sending: s.outbox.sending,
                failed: s.outbox.failed,
                bounced: s.outbox.bounced,
                failures: s
                    .failures
                    .iter()
                    .map(|f| FailedSendOut {
                        id: f.id,
                        ticket_id: f.ticket_id.map(|t| t.0),
                        kind: f.kind.as_str().to_string(),
                        recipients: f.recipients.clone(),
                        attempts: f.attempts,
                        last_error: f.last_error.clone(),
                        created_at: f.created_at.to_string(),
                    })
                    .collect(),
            },
        }
    }
}

/// Each mailbox's last poll and last error, the outbox's queue length and
/// its failed sends with their error (admins).
#[utoipa::path(get, path = "/api/v1/mailboxes/status", tag = "inbound", security(("bearer" = [])),
    responses((status = 200, body = MailStatusOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn status(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<MailStatusOut>> {
    Ok(axum::Json((&s.app.mail_status(&caller).await?).into()))
}

/// The failed sends put back in the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetriedOut {
    /// Their outbox ids, oldest first.
    pub requeued: Vec<i64>,
}

/// Send a failed mail again (admins): back in the queue, due now, its
/// attempts reset; the outbox worker sends it at its next pass. 409 when
/// it is not failed.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "inbound", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = RetriedOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn retry_one(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<RetriedOut>> {
    let requeued = s.app.retry_outbox(&caller, Some(id)).await?;
    Ok(axum::Json(RetriedOut { requeued }))
}

/// Send every failed mail again (admins), as `POST /outbox/{id}/retry` does one.
#[utoipa::path(post, path = "/api/v1/outbox/retry", tag = "inbound", security(("bearer" = [])),
    responses((status = 200, body = RetriedOut), (status = 403, body = ErrorBody)))]
pub async fn retry_all(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<RetriedOut>> {
    let requeued = s.app.retry_outbox(&caller, None).await?;
    Ok(axum::Json(RetriedOut { requeued }))
}
