//! Agents, teams and customers.

use super::types::{AgentOut, CustomerEventOut, CustomerOut, IdentityOut, Page, TeamOut};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json, Query};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use rapport_app::agents::AgentUpdate;
use rapport_app::{AuditLine, Principal};
use rapport_core::{AgentId, CustomerId, IdentityKind, Role, TeamId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A new agent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentIn {
    /// Login e-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// agent, lead or admin.
    #[schema(value_type = String)]
    pub role: Role,
    /// Initial password (10+ characters); may be set later.
    pub password: Option<String>,
}

/// Changes to an agent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentPatch {
    /// New name.
    pub name: Option<String>,
    /// New role (admins).
    #[schema(value_type = Option<String>)]
    pub role: Option<Role>,
    /// Deactivate or reactivate (admins); deactivation revokes every token.
    pub active: Option<bool>,
    /// New password; revokes every token.
    pub password: Option<String>,
    /// Where they are (IANA zone, e.g. `America/New_York`; "" for the
    /// business zone): the times in their notifications and escalation mail.
    pub time_zone: Option<String>,
    /// The language they read the workspace in (`en`, `de`; "" for their
    /// browser's). Another code: 422.
    pub language: Option<String>,
}

/// Changes to the caller's own agent record.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    /// New name.
    pub name: Option<String>,
    /// Where they are (IANA zone; "" for the business zone).
    pub time_zone: Option<String>,
    /// The language they read the workspace in (`en`, `de`; "" for their
    /// browser's). Another code: 422.
    pub language: Option<String>,
}

/// Every agent.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])),
    responses((status = 200, body = Vec<AgentOut>), (status = 401, body = ErrorBody)))]
pub async fn list_agents(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<AgentOut>>> {
    Ok(axum::Json(
        s.app
            .agents(&caller)
            .await?
            .iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Create an agent (admins).
#[utoipa::path(post, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])), request_body = AgentIn,
    responses((status = 201, body = AgentOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_agent(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<AgentIn>,
) -> ApiResult<(StatusCode, axum::Json<AgentOut>)> {
    let agent = s
        .app
        .create_agent(
            &caller,
            &body.email,
            &body.name,
            body.role,
            body.password.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json((&agent).into())))
}

/// One agent.
#[utoipa::path(get, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AgentOut), (status = 404, body = ErrorBody)))]
pub async fn get_agent(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<AgentOut>> {
    Ok(axum::Json(
        (&s.app.agent(&caller, AgentId(id)).await?).into(),
    ))
}

/// Change an agent: admins change anyone, agents their own name and password.
#[utoipa::path(patch, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])), request_body = AgentPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = AgentOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_agent(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<AgentPatch>,
) -> ApiResult<axum::Json<AgentOut>> {
    let update = AgentUpdate {
        name: body.name,
        role: body.role,
        active: body.active,
        password: body.password,
        time_zone: body.time_zone,
        language: body.language,
    };
    Ok(axum::Json(
        (&s.app.update_agent(&caller, AgentId(id), update).await?).into(),
    ))
}

/// An admin's new password for another agent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// The new password (10+ characters, as everywhere).
    pub password: String,
}

/// A recorded action on an agent's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// Whose account.
    pub agent_id: i64,
    /// Who did it.
    pub actor_id: i64,
    /// What: `password_reset`.
    pub action: String,
    /// When (RFC 3339).
    pub at: String,
}

impl From<&AuditLine> for AuditOut {
    fn from(a: &AuditLine) -> Self {
        Self {
            agent_id: a.agent.0,
            actor_id: a.actor.0,
            action: a.action.as_str().to_string(),
            at: a.at.to_string(),
        }
    }
}

/// Set another agent's password (admins): revokes their sessions and
/// tokens, clears the failed-login throttle for their account and records
/// who did it. One's own password is changed with `PATCH /agents/{id}` (409 here).
#[utoipa::path(post, path = "/api/v1/agents/{id}/password", tag = "agents", security(("bearer" = [])), request_body = PasswordReset,
    params(("id" = i64, Path)),
    responses((status = 200, body = AuditOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<PasswordReset>,
) -> ApiResult<axum::Json<AuditOut>> {
    let line = s
        .app
        .reset_password(&caller, AgentId(id), &body.password)
        .await?;
    Ok(axum::Json((&line).into()))
}

/// What admins did to an agent's account, newest first (admins).
#[utoipa::path(get, path = "/api/v1/agents/{id}/audit", tag = "agents", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditOut>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn agent_audit(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<Vec<AuditOut>>> {
    let lines = s.app.agent_audit(&caller, AgentId(id)).await?;
    Ok(axum::Json(lines.iter().map(Into::into).collect()))
}

/// The caller's own agent record.
#[utoipa::path(get, path = "/api/v1/agents/me", tag = "agents", security(("bearer" = [])),
    responses((status = 200, body = AgentOut), (status = 401, body = ErrorBody)))]
pub async fn get_me(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<AgentOut>> {
    Ok(axum::Json(
        (&s.app.agent(&caller, caller.agent_id).await?).into(),
    ))
}

/// Change the caller's own preferences: name, time zone, language (any
/// agent with a working token; never another agent's).
#[utoipa::path(patch, path = "/api/v1/agents/me", tag = "agents", security(("bearer" = [])), request_body = MePatch,
    responses((status = 200, body = AgentOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<MePatch>,
) -> ApiResult<axum::Json<AgentOut>> {
    let update = AgentUpdate {
        name: body.name,
        time_zone: body.time_zone,
        language: body.language,
        ..AgentUpdate::default()
    };
    Ok(axum::Json(
        (&s.app.update_agent(&caller, caller.agent_id, update).await?).into(),
    ))
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamIn {
    /// Unique name.
    pub name: String,
}

/// Changes to a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    /// New name.
    pub name: Option<String>,
    /// The complete new member list (agent ids).
    pub members: Option<Vec<i64>>,
}

/// Every team.
#[utoipa::path(get, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])),
    responses((status = 200, body = Vec<TeamOut>), (status = 401, body = ErrorBody)))]
pub async fn list_teams(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<TeamOut>>> {
    Ok(axum::Json(
        s.app.teams(&caller).await?.iter().map(Into::into).collect(),
    ))
}

/// Create a team (leads and admins).
#[utoipa::path(post, path = "/api/v1/teams", tag = "teams", security(("bearer" = [])), request_body = TeamIn,
    responses((status = 201, body = TeamOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_team(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<TeamIn>,
) -> ApiResult<(StatusCode, axum::Json<TeamOut>)> {
    Ok((
        StatusCode::CREATED,
        axum::Json((&s.app.create_team(&caller, &body.name).await?).into()),
    ))
}

/// One team.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = TeamOut), (status = 404, body = ErrorBody)))]
pub async fn get_team(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<TeamOut>> {
    Ok(axum::Json((&s.app.team(&caller, TeamId(id)).await?).into()))
}

/// Rename a team or replace its members (leads and admins).
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "teams", security(("bearer" = [])), request_body = TeamPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = TeamOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_team(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<TeamPatch>,
) -> ApiResult<axum::Json<TeamOut>> {
    let members: Option<Vec<AgentId>> = body.members.map(|m| m.into_iter().map(AgentId).collect());
    let team = s
        .app
        .update_team(
            &caller,
            TeamId(id),
            body.name.as_deref(),
            members.as_deref(),
        )
        .await?;
    Ok(axum::Json((&team).into()))
}

/// Delete a team (leads and admins). 409 with what blocks it while open
/// tickets wait in its queue or a response-target policy names it; a team
/// that solved or closed tickets still name is archived (its name stays on
/// them, `GET /teams/{id}` shows `archived_at`), any other deleted.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_team(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.delete_team(&caller, TeamId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerIn {
    /// Name.
    pub name: String,
    /// E-mail addresses, phone numbers, handles.
    #[serde(default)]
    pub identities: Vec<IdentityOut>,
}

/// Changes to a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    /// New name.
    pub name: Option<String>,
    /// The complete new identity list.
    pub identities: Option<Vec<IdentityOut>>,
    /// The language they read the portal and our mail in (`en`, `de`; ""
    /// for unknown: their browser's, then English). Another code: 422.
    pub language: Option<String>,
}

/// Customer list parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CustomerQuery {
    /// Part of the name.
    pub name: Option<String>,
    /// From `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

fn identities(given: &[IdentityOut]) -> Result<Vec<(IdentityKind, String)>, ApiError> {
    given
        .iter()
        .map(|i| {
            let kind = i.kind.parse::<IdentityKind>().map_err(|_| {
                ApiError::field(
                    "identities",
                    format!("unknown identity kind {:?} (email, phone, handle)", i.kind),
                )
            })?;
            Ok((kind, i.value.clone()))
        })
        .collect()
}

/// Customers by id, in pages.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), params(CustomerQuery),
    responses((status = 200, body = Page<CustomerOut>), (status = 422, body = ErrorBody)))]
pub async fn list_customers(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Query(q): Query<CustomerQuery>,
) -> ApiResult<axum::Json<Page<CustomerOut>>> {
    let after = super::tickets::id_cursor(q.cursor.as_deref())?.unwrap_or(0);
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 500"));
    }
    let customers = s
        .app
        .customers(&Principal::from(caller), after, limit, q.name.as_deref())
        .await?;
    let next_cursor = (customers.len() as i64 == limit)
        .then(|| customers.last().map(|c| c.id.0.to_string()))
        .flatten();
    Ok(axum::Json(Page {
        items: customers.iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// Create a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), request_body = CustomerIn,
    responses((status = 201, body = CustomerOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_customer(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<CustomerIn>,
) -> ApiResult<(StatusCode, axum::Json<CustomerOut>)> {
    let ids = identities(&body.identities)?;
    let customer = s.app.create_customer(&caller, &body.name, &ids).await?;
    Ok((StatusCode::CREATED, axum::Json((&customer).into())))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = CustomerOut), (status = 404, body = ErrorBody)))]
pub async fn get_customer(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<CustomerOut>> {
    let who = Principal::from(caller);
    let mut out: CustomerOut = (&s.app.customer(&who, CustomerId(id)).await?).into();
    out.bouncing = s
        .app
        .bouncing_addresses(&who, CustomerId(id))
        .await?
        .into_iter()
        .map(|(email, since, reason)| super::types::BouncingOut {
            email,
            since: since.to_string(),
            reason,
        })
        .collect();
    Ok(axum::Json(out))
}

/// Rename a customer, or replace their identities (leads and admins; recorded
/// in the customer's events, as the identities decide where replies go).
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])), request_body = CustomerPatch,
    params(("id" = i64, Path)),
    responses((status = 200, body = CustomerOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_customer(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<CustomerPatch>,
) -> ApiResult<axum::Json<CustomerOut>> {
    let ids = body.identities.as_deref().map(identities).transpose()?;
    let customer = s
        .app
        .update_customer(
            &caller,
            CustomerId(id),
            body.name.as_deref(),
            ids.as_deref(),
            body.language.as_deref(),
        )
        .await?;
    Ok(axum::Json((&customer).into()))
}

/// Delete a customer who has no tickets (admins).
#[utoipa::path(delete, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_customer(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.delete_customer(&caller, CustomerId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The recorded changes to a customer's addresses, oldest first.
#[utoipa::path(get, path = "/api/v1/customers/{id}/events", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CustomerEventOut>), (status = 404, body = ErrorBody)))]
pub async fn customer_events(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<Vec<CustomerEventOut>>> {
    let events = s
        .app
        .customer_events(&Principal::from(caller), CustomerId(id))
        .await?;
    Ok(axum::Json(events.iter().map(Into::into).collect()))
}

/// A customer's attributes by name (such as `"tier": "gold"`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct AttributesOut(pub BTreeMap<String, String>);

/// Attributes to set (a string) or remove (`null`), by name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct AttributesIn(pub BTreeMap<String, Option<String>>);

/// A customer's attributes: the groups the fairness audit compares.
#[utoipa::path(get, path = "/api/v1/customers/{id}/attributes", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AttributesOut), (status = 404, body = ErrorBody)))]
pub async fn customer_attributes(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<axum::Json<AttributesOut>> {
    let attributes = s.app.customer_attributes(&caller, CustomerId(id)).await?;
    Ok(axum::Json(AttributesOut(attributes)))
}

/// Set or remove some of a customer's attributes, all or none (leads and
/// admins); answers with all of them after the change. A name is a
/// lowercase letter then letters, digits, `_` or `-` (up to 40); a value
/// up to 200 characters; a customer has at most 32.
#[utoipa::path(patch, path = "/api/v1/customers/{id}/attributes", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AttributesIn,
    responses((status = 200, body = AttributesOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_customer_attributes(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
    Json(body): Json<AttributesIn>,
) -> ApiResult<axum::Json<AttributesOut>> {
    let attributes = s
        .app
        .set_customer_attributes(&caller, CustomerId(id), &body.0)
        .await?;
    Ok(axum::Json(AttributesOut(attributes)))
}
