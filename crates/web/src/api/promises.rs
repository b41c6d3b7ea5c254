//! `/api/v1/promises`: the promises made to customers in replies, per
//! owner, team and ticket; how many were kept on time; the owner marks one
//! kept, drops or re-times it; a broken one's prepared message.

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use rapport_app::promises::{PromiseDecisions, PromiseUpdate};
use rapport_app::{PromiseCounts, PromiseFilter, PromiseRecord};
use rapport_core::{AgentId, PromiseChoice, PromiseId, PromiseStatus, TeamId, TicketId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A promise made to a customer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromiseOut {
    /// Its id.
    pub id: i64,
    /// The ticket it was made on.
    pub ticket_id: i64,
    /// The reply that made it.
    pub message_id: Option<i64>,
    /// Whose it is to keep.
    pub owner_id: i64,
    /// The ticket's team when it was made.
    pub team_id: Option<i64>,
    /// The sentence.
    pub text: String,
    /// When it is due (RFC 3339, UTC).
    pub due_at: String,
    /// `open`, `kept`, `broken` or `dropped`.
    pub status: String,
    /// Kept by its due time.
    pub kept_on_time: bool,
    /// When it was made.
    pub created_at: String,
    /// When it was kept, broken or dropped.
    pub settled_at: Option<String>,
    /// A broken promise's prepared message to the customer, for the owner.
    pub recovery_draft: Option<String>,
}

impl From<&PromiseRecord> for PromiseOut {
    fn from(p: &PromiseRecord) -> Self {
        Self {
            id: p.id.0,
            ticket_id: p.ticket_id.0,
            message_id: p.message_id.map(|m| m.0),
            owner_id: p.owner_id.0,
            team_id: p.team_id.map(|t| t.0),
            text: p.text.clone(),
            due_at: p.due_at.to_string(),
            status: p.status.as_str().into(),
            kept_on_time: p.kept_on_time(),
            created_at: p.created_at.to_string(),
            settled_at: p.settled_at.map(|t| t.to_string()),
            recovery_draft: p.recovery_draft.clone(),
        }
    }
}

/// Which promises.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PromiseQuery {
    /// Whose (an agent id).
    pub owner: Option<i64>,
    /// Of which team.
    pub team: Option<i64>,
    /// On which ticket.
    pub ticket: Option<i64>,
    /// `open`, `kept`, `broken` or `dropped` (lists only).
    pub status: Option<String>,
    /// Only promises with a smaller id (the last id of the previous page).
    pub before: Option<i64>,
    /// At most this many (1 to 500, default 100).
    pub limit: Option<i64>,
}

impl PromiseQuery {
    fn filter(&self) -> Result<PromiseFilter, ApiError> {
        let status =
            match &self.status {
                Some(s) => Some(s.parse::<PromiseStatus>().map_err(|_| {
                    ApiError::field("status", "must be open, kept, broken or dropped")
                })?),
                None => None,
            };
        Ok(PromiseFilter {
            owner: self.owner.map(AgentId),
            team: self.team.map(TeamId),
            ticket: self.ticket.map(TicketId),
            status,
        })
    }
}

/// Promises made to customers, newest first.
#[utoipa::path(get, path = "/api/v1/promises", tag = "promises", security(("bearer" = [])), params(PromiseQuery),
    responses((status = 200, body = Vec<PromiseOut>), (status = 422, body = ErrorBody)))]
pub async fn list_promises(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<PromiseQuery>,
) -> ApiResult<axum::Json<Vec<PromiseOut>>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 500"));
    }
    let records = s
        .app
        .promises(&caller, &q.filter()?, q.before.map(PromiseId), limit)
        .await?;
    Ok(axum::Json(records.iter().map(Into::into).collect()))
}

/// How promises ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromiseSummaryOut {
    /// Still open.
    pub open: i64,
    /// Kept by their due time.
    pub kept_on_time: i64,
    /// Kept after it.
    pub kept_late: i64,
    /// Broken.
    pub broken: i64,
    /// Dropped.
    pub dropped: i64,
    /// Kept on time out of those that fell due or were kept (absent when none did).
    pub kept_on_time_share: Option<f64>,
}

impl From<PromiseCounts> for PromiseSummaryOut {
    fn from(c: PromiseCounts) -> Self {
        let settled = c.kept_on_time + c.kept_late + c.broken;
        Self {
            open: c.open,
            kept_on_time: c.kept_on_time,
            kept_late: c.kept_late,
            broken: c.broken,
            dropped: c.dropped,
            kept_on_time_share: (settled > 0).then(|| c.kept_on_time as f64 / settled as f64),
        }
    }
}

/// The share of promises kept on time, per owner, team or ticket.
#[utoipa::path(get, path = "/api/v1/promises/summary", tag = "promises", security(("bearer" = [])), params(PromiseQuery),
    responses((status = 200, body = PromiseSummaryOut), (status = 422, body = ErrorBody)))]
pub async fn promise_summary(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<PromiseQuery>,
) -> ApiResult<axum::Json<PromiseSummaryOut>> {
    let counts = s.app.promise_counts(&caller, &q.filter()?).await?;
    Ok(axum::Json(counts.into()))
}

/// One promise.
#[utoipa::path(get, path = "/api/v1/promises/{id}", tag = "promises", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PromiseOut), (status = 404, body = ErrorBody)))]
pub async fn get_promise(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<PromiseOut>> {
    Ok(axum::Json(
        (&s.app.promise(&caller, PromiseId(id)).await?).into(),
    ))
}

/// A change to an open promise: exactly one of `status` (`kept` or
/// `dropped`) and `due_at`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromisePatch {
    /// `kept` or `dropped`.
    pub status: Option<String>,
    /// A new due time (RFC 3339, in the future).
    pub due_at: Option<String>,
}

/// The owner (or a lead) marks a promise kept, drops it, or re-times it.
#[utoipa::path(patch, path = "/api/v1/promises/{id}", tag = "promises", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = PromisePatch,
    responses((status = 200, body = PromiseOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_promise(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<PromisePatch>,
) -> ApiResult<axum::Json<PromiseOut>> {
    let change = match (body.status.as_deref(), body.due_at.as_deref()) {
        (Some("kept"), None) => PromiseUpdate::Kept,
        (Some("dropped"), None) => PromiseUpdate::Dropped,
        (Some(_), None) => return Err(ApiError::field("status", "must be kept or dropped")),
        (None, Some(at)) => {
            PromiseUpdate::DueAt(Timestamp::parse(at).map_err(|m| ApiError::field("due_at", m))?)
        }
        _ => {
            return Err(ApiError::field(
                "status",
                "give exactly one of status and due_at",
            ));
        }
    };
    let record = s.app.update_promise(&caller, PromiseId(id), change).await?;
    Ok(axum::Json((&record).into()))
}

/// A broken promise's prepared message to the customer and the coach's
/// findings on it.
#[utoipa::path(get, path = "/api/v1/promises/{id}/recovery", tag = "promises", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "{promise, draft, review: {findings, promises, politeness}}", body = Object),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn promise_recovery(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let (promise, review) = s.app.promise_recovery(&caller, PromiseId(id)).await?;
    Ok(axum::Json(serde_json::json!({
        "promise": PromiseOut::from(&promise),
        "draft": promise.recovery_draft,
        "review": serde_json::to_value(&review).unwrap_or_default(),
    })))
}

/// What the sender decides about one promise the coach finds in a reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseChoiceIn {
    /// Its position in the coach's `promises` for this exact text (from 0).
    pub index: usize,
    /// `confirm` (the coach's due time), `reschedule` (with `due_at`) or `drop`.
    pub action: String,
    /// The due time for `reschedule` (RFC 3339, in the future).
    pub due_at: Option<String>,
}

/// The sender's decisions on a reply's promises, from the request.
pub fn decisions(
    choices: &[PromiseChoiceIn],
    fulfils: &[i64],
) -> Result<PromiseDecisions, ApiError> {
    let mut out = PromiseDecisions {
        choices: Vec::with_capacity(choices.len()),
        fulfils: fulfils.iter().map(|id| PromiseId(*id)).collect(),
    };
    if choices.len() > 50 || fulfils.len() > 50 {
        return Err(ApiError::field(
            "promises",
            "at most 50 choices and 50 fulfilled promises",
        ));
    }
    for choice in choices {
        let action = match (choice.action.as_str(), choice.due_at.as_deref()) {
            ("confirm", None) => PromiseChoice::Confirm,
            ("drop", None) => PromiseChoice::Drop,
            ("reschedule", Some(at)) => PromiseChoice::DueAt(
                Timestamp::parse(at).map_err(|m| ApiError::field("promises", m))?,
            ),
            _ => {
                return Err(ApiError::field(
                    "promises",
                    "action is confirm, drop, or reschedule with due_at",
                ));
            }
        };
        out.choices.push((choice.index, action));
    }
    Ok(out)
}
