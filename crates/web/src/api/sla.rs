//! Response targets over the API: a ticket's clocks, the policies (admins
//! change them), and the caller's notifications.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use rapport_app::Principal;
use rapport_app::sla::{ClockView, NotificationView, PolicyInput, PolicyView, TicketClocks};
use rapport_core::{TicketId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One response-target clock of a ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockOut {
    /// `first_response`, `next_response` or `resolution`.
    pub kind: String,
    /// The target in business minutes.
    pub target_minutes: i64,
    /// Business minutes counted so far (pauses excluded).
    pub elapsed_minutes: i64,
    /// Business minutes left; negative when past the target.
    pub remaining_minutes: i64,
    /// When it falls due while it runs, RFC 3339 in the business time zone.
    pub due_at: Option<String>,
    /// Paused by the ticket's status (pending, on hold).
    pub paused: bool,
    /// Counting now.
    pub running: bool,
    /// When it was met or stopped, RFC 3339 in the business time zone.
    pub stopped_at: Option<String>,
    /// Past its target.
    pub breached: bool,
}

/// A ticket's response targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClocksOut {
    /// The policy that applies (none: the configured default targets).
    pub policy_id: Option<i64>,
    /// Its name.
    pub policy: String,
    /// The IANA time zone the times are given in.
    pub time_zone: String,
    /// Each clock that ever started (next response: its latest round).
    pub clocks: Vec<ClockOut>,
}

/// An instant as RFC 3339 with the offset of a zone (not UTC), so a
/// reader sees the business's local time.
pub fn in_zone(at: Timestamp, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    match jiff::Timestamp::from_microsecond(at.0) {
        Ok(t) => t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        Err(_) => at.to_string(),
    }
}

fn clock_out(c: &ClockView, zone: &str) -> ClockOut {
    ClockOut {
        kind: c.kind.as_str().into(),
        target_minutes: c.target_minutes,
        elapsed_minutes: c.elapsed_minutes,
        remaining_minutes: c.remaining_minutes,
        due_at: c.due_at.map(|t| in_zone(t, zone)),
        paused: c.paused,
        running: c.running,
        stopped_at: c.stopped_at.map(|t| in_zone(t, zone)),
        breached: c.breached,
    }
}

impl From<&TicketClocks> for ClocksOut {
    fn from(t: &TicketClocks) -> Self {
        Self {
            policy_id: t.policy_id,
            policy: t.policy.clone(),
            time_zone: t.time_zone.clone(),
            clocks: t
                .clocks
                .iter()
                .map(|c| clock_out(c, &t.time_zone))
                .collect(),
        }
    }
}

/// A ticket's response-target clocks now: each one's due time, business
/// time elapsed and remaining, and whether it is paused.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/clocks", tag = "response targets", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = ClocksOut), (status = 404, body = ErrorBody)))]
pub async fn ticket_clocks(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<ClocksOut>> {
    let clocks = s
        .app
        .ticket_clocks(&Principal::from(caller), TicketId(id))
        .await?;
    Ok(axum::Json((&clocks).into()))
}

/// A response-target policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyOut {
    /// Its id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Matching order: the first policy whose conditions a ticket meets applies.
    pub position: i64,
    /// `{priorities: [..], teams: [..], channels: [..], tags: [..]}`; an empty list matches anything.
    #[schema(value_type = Object)]
    pub conditions: rapport_core::sla::PolicyConditions,
    /// The calendar the targets count in (none: the default calendar).
    pub calendar_id: Option<i64>,
    /// First response target, business minutes.
    pub first_response_minutes: Option<i64>,
    /// Next response target, business minutes.
    pub next_response_minutes: Option<i64>,
    /// Resolution target, business minutes.
    pub resolution_minutes: Option<i64>,
    /// The share of a target at which the owner is warned, percent.
    pub warn_percent: i64,
}

impl From<PolicyView> for PolicyOut {
    fn from(p: PolicyView) -> Self {
        Self {
            id: p.id,
            name: p.name,
            position: p.position,
            conditions: p.conditions,
            calendar_id: p.calendar_id,
            first_response_minutes: p.first_response_minutes,
            next_response_minutes: p.next_response_minutes,
            resolution_minutes: p.resolution_minutes,
            warn_percent: p.warn_percent,
        }
    }
}

/// A policy to store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub struct PolicyIn(pub PolicyInput);

/// The policies, in matching order.
#[utoipa::path(get, path = "/api/v1/sla-policies", tag = "response targets", security(("bearer" = [])),
    responses((status = 200, body = Vec<PolicyOut>)))]
pub async fn list_policies(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<PolicyOut>>> {
    let policies = s.app.sla_policies(&caller).await?;
    Ok(axum::Json(policies.into_iter().map(Into::into).collect()))
}

/// Store a policy (admins). Open tickets' due times are recomputed.
#[utoipa::path(post, path = "/api/v1/sla-policies", tag = "response targets", security(("bearer" = [])), request_body = PolicyIn,
    responses((status = 201, body = PolicyOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_policy(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(PolicyIn(input)): Json<PolicyIn>,
) -> ApiResult<(StatusCode, axum::Json<PolicyOut>)> {
    let policy = s.app.create_sla_policy(&caller, input).await?;
    Ok((StatusCode::CREATED, axum::Json(policy.into())))
}

/// Replace a policy (admins). Open tickets' due times are recomputed.
#[utoipa::path(put, path = "/api/v1/sla-policies/{id}", tag = "response targets", security(("bearer" = [])), request_body = PolicyIn,
    params(("id" = i64, Path)),
    responses((status = 200, body = PolicyOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_policy(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(PolicyIn(input)): Json<PolicyIn>,
) -> ApiResult<axum::Json<PolicyOut>> {
    let policy = s.app.update_sla_policy(&caller, id, input).await?;
    Ok(axum::Json(policy.into()))
}

/// Delete a policy (admins). Open tickets' due times are recomputed.
#[utoipa::path(delete, path = "/api/v1/sla-policies/{id}", tag = "response targets", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_policy(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.delete_sla_policy(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A notification for the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    /// Its id.
    pub id: i64,
    /// About which ticket.
    pub ticket_id: Option<i64>,
    /// `sla_warning`, `sla_breach`, `promise_reminder`, `promise_broken`, `mention`,
    /// `recovery_task` or `customer_answered`.
    pub kind: String,
    /// What it says (times in the agent's or the business's zone, named).
    pub text: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; absent while unread.
    pub read_at: Option<String>,
}

impl From<NotificationView> for NotificationOut {
    fn from(n: NotificationView) -> Self {
        Self {
            id: n.id,
            ticket_id: n.ticket_id.map(|t| t.0),
            kind: n.kind.into(),
            text: n.text,
            created_at: n.created_at.to_string(),
            read_at: n.read_at.map(|t| t.to_string()),
        }
    }
}

/// Which notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotificationQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// The caller's notifications, newest first (at most 200).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "response targets", security(("bearer" = [])),
    params(NotificationQuery), responses((status = 200, body = Vec<NotificationOut>)))]
pub async fn list_notifications(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<NotificationQuery>,
) -> ApiResult<axum::Json<Vec<NotificationOut>>> {
    let items = s
        .app
        .notifications(&caller, q.unread.unwrap_or(false))
        .await?;
    Ok(axum::Json(items.into_iter().map(Into::into).collect()))
}

/// Mark one of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "response targets", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read_notification(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.read_notification(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
