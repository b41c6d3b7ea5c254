//! Logging in and out, API tokens, and first-run setup.

use super::types::{AgentOut, IssuedTokenOut, TokenOut};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Id, Json};
use crate::guard::{ClientAddr, Refusal};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use rapport_core::Scope;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// E-mail and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    /// Login e-mail.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A session token and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it stops working (RFC 3339).
    pub expires_at: Option<String>,
    /// The logged-in agent.
    pub agent: AgentOut,
}

impl SessionOut {
    fn new(agent: &rapport_app::AgentRecord, issued: rapport_app::IssuedToken) -> Self {
        Self {
            expires_at: issued.record.expires_at.map(|t| t.to_string()),
            token: issued.token,
            agent: agent.into(),
        }
    }
}

/// Log in with e-mail and password. Failed attempts slow down the client,
/// the account and the pair (429 with `Retry-After`); the right password
/// from a client that has not been failing always logs in.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses((status = 200, body = SessionOut), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<LoginIn>,
) -> Result<axum::Json<SessionOut>, Refusal> {
    let (agent, issued) = s.app.login(&body.email, &body.password, client).await?;
    Ok(axum::Json(SessionOut::new(&agent, issued)))
}

/// End the session (revokes the token used for this request).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(State(s): State<AppState>, Auth(caller): Auth) -> ApiResult<StatusCode> {
    s.app.logout(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calling agent.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AgentOut), (status = 401, body = ErrorBody)))]
pub async fn me(State(s): State<AppState>, Auth(caller): Auth) -> ApiResult<axum::Json<AgentOut>> {
    let agent = s.app.agent(&caller, caller.agent_id).await?;
    Ok(axum::Json((&agent).into()))
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    /// What it is for, e.g. "CRM sync".
    pub name: String,
    /// Days until it expires; none for no expiry.
    pub expires_in_days: Option<i64>,
    /// read_only, agent (default: the caller's full rights short of
    /// administration), admin, metrics or inbound_mail; never wider than the
    /// caller's own token or role.
    #[schema(value_type = Option<String>)]
    pub scope: Option<Scope>,
}

/// The caller's tokens.
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = ErrorBody)))]
pub async fn tokens(
    State(s): State<AppState>,
    Auth(caller): Auth,
) -> ApiResult<axum::Json<Vec<TokenOut>>> {
    let tokens = s.app.tokens(&caller).await?;
    Ok(axum::Json(tokens.iter().map(Into::into).collect()))
}

/// Create an API token for the caller; the secret is shown only in this response.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "auth", security(("bearer" = [])), request_body = TokenIn,
    responses((status = 201, body = IssuedTokenOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Json(body): Json<TokenIn>,
) -> ApiResult<(StatusCode, axum::Json<IssuedTokenOut>)> {
    let scope = body.scope.unwrap_or(Scope::Agent);
    let issued = s
        .app
        .create_api_token(&caller, &body.name, scope, body.expires_in_days)
        .await?;
    Ok((StatusCode::CREATED, axum::Json((&issued).into())))
}

/// Revoke one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Auth(caller): Auth,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The first admin, created with the one-time setup token `rapport serve` printed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupIn {
    /// The one-time setup token.
    pub setup_token: String,
    /// The admin's e-mail.
    pub email: String,
    /// The admin's name.
    pub name: String,
    /// At least 10 characters.
    pub password: String,
}

/// Create the first admin with the one-time setup token; logs them in.
/// Wrong tokens slow the client down as wrong passwords do (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/setup", tag = "auth", request_body = SetupIn,
    responses((status = 201, body = SessionOut), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn setup(
    State(s): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<SetupIn>,
) -> Result<(StatusCode, axum::Json<SessionOut>), Refusal> {
    let (agent, issued) = s
        .app
        .complete_setup(
            client,
            &body.setup_token,
            &body.email,
            &body.name,
            &body.password,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SessionOut::new(&agent, issued)),
    ))
}
