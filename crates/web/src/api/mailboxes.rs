//! The mail channel's status: each mailbox's last poll and error, the
//! outbox's queue and failed sends (admins).

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Auth;
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
    /// Every mailbox a poller has reported on, by name.
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
                .map(|m| MailboxOut {
                    mailbox: m.mailbox.clone(),
                    last_poll_at: m.last_poll_at.map(|t| t.to_string()),
                    last_fetched: m.last_fetched,
                    last_error: m.last_error.clone(),
                    last_error_at: m.last_error_at.map(|t| t.to_string()),
                    failing: m.failing(),
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
