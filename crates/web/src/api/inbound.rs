//! Inbound mail over HTTP: an MTA pipe or forwarding service posts raw messages.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Query, raw_body};
use crate::guard::Refusal;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use rapport_app::InboundRecord;
use rapport_app::intake::IngestOutcome;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The largest raw message accepted over HTTP.
pub const MAX_MIME_BYTES: usize = rapport_mail::MAX_MESSAGE_BYTES;

/// What became of a posted message.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestOut {
    /// created, appended, linked, duplicate, bounce, ignored or quarantined.
    pub outcome: String,
    /// The ticket it went to, if any.
    pub ticket_id: Option<i64>,
    /// The ticket it pointed at, for `linked`.
    pub previous_ticket_id: Option<i64>,
    /// Why it was ignored or quarantined.
    pub reason: Option<String>,
}

impl From<IngestOutcome> for IngestOut {
    fn from(o: IngestOutcome) -> Self {
        IngestOut {
            outcome: o.name().into(),
            ticket_id: o.ticket().map(|t| t.0),
            previous_ticket_id: match &o {
                IngestOutcome::Linked { previous, .. } => Some(previous.0),
                _ => None,
            },
            reason: match o {
                IngestOutcome::Ignored(reason) | IngestOutcome::Quarantined(reason) => Some(reason),
                _ => None,
            },
        }
    }
}

/// Take in one raw message (RFC 5322 bytes as the body, up to 25 MiB) from
/// an MTA pipe: needs a token with the `inbound_mail` (or `admin`) scope. The
/// bytes are kept before processing; a message that cannot be processed is
/// quarantined with the reason (still 202).
#[utoipa::path(post, path = "/api/v1/inbound/mime", tag = "inbound", security(("bearer" = [])),
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 202, body = IngestOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post_mime(
    State(s): State<AppState>,
    Auth(caller): Auth,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, axum::Json<IngestOut>), Refusal> {
    let is_mail = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("message/rfc822"));
    if !is_mail {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the raw message with Content-Type: message/rfc822",
        )
        .into());
    }
    let bytes = raw_body(body, "a message", MAX_MIME_BYTES)?;
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_message",
            "send the raw message as the request body",
        )
        .into());
    }
    let outcome = s.app.receive_mail(&caller, bytes).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(outcome.into())))
}

/// Quarantine list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct QuarantineQuery {
    /// Only records older than this id.
    pub before: Option<i64>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// A quarantined message.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantinedOut {
    /// Inbound record id.
    pub id: i64,
    /// Message-ID, when it could be read.
    pub message_id: Option<String>,
    /// Why it was quarantined.
    pub reason: Option<String>,
    /// Size in bytes.
    pub size: i64,
    /// RFC 3339, UTC.
    pub received_at: String,
}

impl From<&InboundRecord> for QuarantinedOut {
    fn from(r: &InboundRecord) -> Self {
        Self {
            id: r.id,
            message_id: r.message_id.clone(),
            reason: r.reason.clone(),
            size: r.size,
            received_at: r.received_at.to_string(),
        }
    }
}

/// Quarantined inbound mail, newest first (admins).
#[utoipa::path(get, path = "/api/v1/inbound/quarantine", tag = "inbound", security(("bearer" = [])), params(QuarantineQuery),
    responses((status = 200, body = Vec<QuarantinedOut>), (status = 403, body = ErrorBody)))]
pub async fn quarantine(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<QuarantineQuery>,
) -> ApiResult<axum::Json<Vec<QuarantinedOut>>> {
    let records = s
        .app
        .quarantine_list(&caller, q.before, q.limit.unwrap_or(50))
        .await?;
    Ok(axum::Json(records.iter().map(Into::into).collect()))
}
