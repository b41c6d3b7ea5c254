//! Feedback over the API: a ticket's satisfaction survey, recovery tasks
//! and their follow-up, team leads, and imported public reviews.

use super::types::TeamOut;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use rapport_app::feedback::reviews::{MAX_BATCH, row_from_json};
use rapport_app::feedback::{ReviewOutcome, ReviewReport};
use rapport_app::{RecoveryFilter, RecoveryStatus, RecoveryTaskRecord, SurveyRecord};
use rapport_core::{AgentId, RecoveryOutcome, TeamId, TicketId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A ticket's satisfaction survey.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyOut {
    /// The ticket.
    pub ticket_id: i64,
    /// When the customer was asked (RFC 3339, UTC).
    pub asked_at: String,
    /// Until when an answer is taken.
    pub expires_at: String,
    /// The address the survey mail went to (none: asked only in the portal).
    pub mailed_to: Option<String>,
    /// The latest rating (1 to 5).
    pub rating: Option<u8>,
    /// The latest comment.
    pub comment: Option<String>,
    /// How many answers were given (a changed answer counts again).
    pub answers: i64,
    /// When the latest answer came.
    pub answered_at: Option<String>,
    /// The ticket opened for a new request in the comment.
    pub follow_up_ticket_id: Option<i64>,
}

impl From<&SurveyRecord> for SurveyOut {
    fn from(s: &SurveyRecord) -> Self {
        Self {
            ticket_id: s.ticket_id.0,
            asked_at: s.asked_at.to_string(),
            expires_at: s.expires_at.to_string(),
            mailed_to: s.mailed_to.clone(),
            rating: s.rating,
            comment: s.comment.clone(),
            answers: s.answers,
            answered_at: s.answered_at.map(|t| t.to_string()),
            follow_up_ticket_id: s.follow_up_ticket_id.map(|t| t.0),
        }
    }
}

/// A ticket's satisfaction survey (404 when the customer was not asked).
#[utoipa::path(get, path = "/api/v1/tickets/{id}/survey", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = SurveyOut), (status = 404, body = ErrorBody)))]
pub async fn ticket_survey(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<SurveyOut>> {
    let survey = s
        .app
        .ticket_survey(&caller, TicketId(id))
        .await?
        .ok_or(rapport_app::AppError::NotFound("survey"))?;
    Ok(axum::Json((&survey).into()))
}

/// A recovery task: a low rating or a negative review for a lead to follow up.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryTaskOut {
    /// Its id.
    pub id: i64,
    /// The unhappy ticket.
    pub ticket_id: i64,
    /// `survey` or `review`.
    pub source: String,
    /// The rating (1 to 5).
    pub rating: u8,
    /// The customer's words.
    pub words: String,
    /// The ticket's owner.
    pub owner_id: Option<i64>,
    /// Who follows it up (none: the admins).
    pub lead_id: Option<i64>,
    /// `open` or `done`.
    pub status: String,
    /// When the follow-up is due (RFC 3339, UTC).
    pub due_at: String,
    /// When opened.
    pub created_at: String,
    /// `recovered`, `not_recovered` or `unreachable`.
    pub outcome: Option<String>,
    /// What the lead did and heard.
    pub follow_up: Option<String>,
    /// Who recorded the follow-up.
    pub closed_by: Option<i64>,
    /// When.
    pub closed_at: Option<String>,
}

impl From<&RecoveryTaskRecord> for RecoveryTaskOut {
    fn from(t: &RecoveryTaskRecord) -> Self {
        Self {
            id: t.id,
            ticket_id: t.ticket_id.0,
            source: t.source.as_str().into(),
            rating: t.rating,
            words: t.words.clone(),
            owner_id: t.owner_id.map(|a| a.0),
            lead_id: t.lead_id.map(|a| a.0),
            status: t.status.as_str().into(),
            due_at: t.due_at.to_string(),
            created_at: t.created_at.to_string(),
            outcome: t.outcome.map(|o| o.as_str().into()),
            follow_up: t.follow_up.clone(),
            closed_by: t.closed_by.map(|a| a.0),
            closed_at: t.closed_at.map(|t| t.to_string()),
        }
    }
}

/// Which recovery tasks.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecoveryQuery {
    /// `open` or `done`.
    pub status: Option<String>,
    /// Of this lead (an agent id).
    pub lead: Option<i64>,
    /// Of this ticket.
    pub ticket: Option<i64>,
    /// At most this many (1 to 500, default 100).
    pub limit: Option<i64>,
}

/// Recovery tasks, open ones first, earliest due first.
#[utoipa::path(get, path = "/api/v1/recovery-tasks", tag = "feedback", security(("bearer" = [])), params(RecoveryQuery),
    responses((status = 200, body = Vec<RecoveryTaskOut>), (status = 422, body = ErrorBody)))]
pub async fn list_recovery_tasks(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<RecoveryQuery>,
) -> ApiResult<axum::Json<Vec<RecoveryTaskOut>>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 500"));
    }
    let status = match q.status.as_deref() {
        Some(text) => Some(
            text.parse::<RecoveryStatus>()
                .map_err(|_| ApiError::field("status", "must be open or done"))?,
        ),
        None => None,
    };
    let filter = RecoveryFilter {
        status,
        lead_id: q.lead.map(AgentId),
        ticket_id: q.ticket.map(TicketId),
        limit,
    };
    let tasks = s.app.recovery_tasks(&caller, filter).await?;
    Ok(axum::Json(tasks.iter().map(Into::into).collect()))
}

/// One recovery task.
#[utoipa::path(get, path = "/api/v1/recovery-tasks/{id}", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = RecoveryTaskOut), (status = 404, body = ErrorBody)))]
pub async fn get_recovery_task(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<RecoveryTaskOut>> {
    Ok(axum::Json(
        (&s.app.recovery_task(&caller, id).await?).into(),
    ))
}

/// A lead's follow-up of a recovery task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpIn {
    /// `recovered`, `not_recovered` or `unreachable`.
    pub outcome: String,
    /// What the lead did and what the customer said.
    pub note: String,
}

/// Records the follow-up and its outcome (the task's lead, a lead or an admin; once).
#[utoipa::path(post, path = "/api/v1/recovery-tasks/{id}/follow-up", tag = "feedback", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = FollowUpIn,
    responses((status = 200, body = RecoveryTaskOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn follow_up_recovery(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<FollowUpIn>,
) -> ApiResult<axum::Json<RecoveryTaskOut>> {
    let outcome = body.outcome.parse::<RecoveryOutcome>().map_err(|_| {
        ApiError::field("outcome", "must be recovered, not_recovered or unreachable")
    })?;
    let task = s
        .app
        .follow_up_recovery(&caller, id, outcome, &body.note)
        .await?;
    Ok(axum::Json((&task).into()))
}

/// A team's lead.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamLeadIn {
    /// The lead's agent id; null clears it (the admins follow up).
    pub agent_id: Option<i64>,
}

/// Sets a team's lead, who follows up its recovery tasks (leads and admins).
#[utoipa::path(post, path = "/api/v1/teams/{id}/lead", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TeamLeadIn,
    responses((status = 200, body = TeamOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_team_lead(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<TeamLeadIn>,
) -> ApiResult<axum::Json<TeamOut>> {
    let team = s
        .app
        .set_team_lead(&caller, TeamId(id), body.agent_id.map(AgentId))
        .await?;
    Ok(axum::Json((&team).into()))
}

/// A batch of reviews or mentions to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewsIn {
    /// Objects with `source`, `id`, `author`, `text` and optionally
    /// `rating` (1 to 5), `date` (RFC 3339 or a day) and `url`.
    #[schema(value_type = Vec<Object>)]
    pub reviews: Vec<serde_json::Value>,
}

/// One review's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewRowOut {
    /// Its position in the batch (from 1).
    pub row: usize,
    /// `imported`, `duplicate` or `error`.
    pub result: String,
    /// The ticket it became (now or the first time).
    pub ticket_id: Option<i64>,
    /// Its customer (imported only).
    pub customer_id: Option<i64>,
    /// Whether the author was a known customer.
    pub matched_customer: Option<bool>,
    /// The recovery task a negative rating opened.
    pub recovery_task_id: Option<i64>,
    /// Why it was refused.
    pub error: Option<String>,
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewReportOut {
    /// New tickets.
    pub imported: usize,
    /// Imported before (nothing changed).
    pub duplicates: usize,
    /// Refused rows.
    pub errors: usize,
    /// Every row's outcome, in order.
    pub rows: Vec<ReviewRowOut>,
}

impl From<&ReviewReport> for ReviewReportOut {
    fn from(r: &ReviewReport) -> Self {
        let rows = r
            .rows
            .iter()
            .map(|o| match o {
                ReviewOutcome::Imported {
                    row,
                    ticket_id,
                    customer_id,
                    matched_customer,
                    recovery_task_id,
                } => ReviewRowOut {
                    row: *row,
                    result: "imported".into(),
                    ticket_id: Some(ticket_id.0),
                    customer_id: Some(customer_id.0),
                    matched_customer: Some(*matched_customer),
                    recovery_task_id: *recovery_task_id,
                    ..empty_row()
                },
                ReviewOutcome::Duplicate { row, ticket_id } => ReviewRowOut {
                    row: *row,
                    result: "duplicate".into(),
                    ticket_id: Some(ticket_id.0),
                    ..empty_row()
                },
                ReviewOutcome::Error { row, message } => ReviewRowOut {
                    row: *row,
                    result: "error".into(),
                    error: Some(message.clone()),
                    ..empty_row()
                },
            })
            .collect();
        Self {
            imported: r.imported,
            duplicates: r.duplicates,
            errors: r.errors,
            rows,
        }
    }
}

fn empty_row() -> ReviewRowOut {
    ReviewRowOut {
        row: 0,
        result: String::new(),
        ticket_id: None,
        customer_id: None,
        matched_customer: None,
        recovery_task_id: None,
        error: None,
    }
}

/// Imports public reviews and mentions as tickets on the `reviews`
/// channel, deduplicated by (source, id); a bad row is reported in its
/// place and the others go on.
#[utoipa::path(post, path = "/api/v1/reviews", tag = "feedback", security(("bearer" = [])), request_body = ReviewsIn,
    responses((status = 200, body = ReviewReportOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import_reviews(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<ReviewsIn>,
) -> ApiResult<axum::Json<ReviewReportOut>> {
    if body.reviews.is_empty() || body.reviews.len() > MAX_BATCH {
        return Err(ApiError::field(
            "reviews",
            format!("send 1 to {MAX_BATCH} reviews at once"),
        ));
    }
    let rows = body
        .reviews
        .iter()
        .enumerate()
        .map(|(n, value)| row_from_json(n + 1, value))
        .collect();
    let report = s.app.import_reviews(&caller, rows).await?;
    Ok(axum::Json((&report).into()))
}
