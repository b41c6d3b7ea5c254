//! `/app/admin/tokens`: the signed-in person's API tokens: listed without
//! their secret, created (the secret shown on that one answer, never
//! again, and not cached), revoked. The same use cases as
//! `/api/v1/auth/tokens`.

use super::{Done, done, noticed, refused_in, staff_only};
use crate::extract::{Id, Query};
use crate::pages::render::{Chrome, PageError, page, when};
use crate::pages::session::AgentPage;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use rapport_app::{AppError, IssuedToken};
use rapport_core::{Scope, Timestamp, TokenKind};
use serde::Deserialize;

const DONE: &[(&str, &str)] = &[("revoked", "tokens.done.revoked")];

/// A token as the table shows it.
struct TokenRow {
    id: i64,
    name: String,
    scope: &'static str,
    created: String,
    expires: String,
    state: &'static str,
    live: bool,
}

/// The secret just created, shown once.
struct Fresh {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    scopes: Vec<&'static str>,
    fresh: Option<Fresh>,
}

async fn render(
    s: &AppState,
    agent: &AgentPage,
    status: StatusCode,
    chrome: Chrome,
    fresh: Option<Fresh>,
) -> Result<Response, PageError> {
    let zone = s.app.business_calendar().await?.time_zone().clone();
    let lang = chrome.lang;
    let now = Timestamp::now();
    let tokens = s
        .app
        .tokens(&agent.caller)
        .await?
        .into_iter()
        .filter(|t| t.kind == TokenKind::Api)
        .map(|t| {
            let expired = t.expires_at.is_some_and(|e| e.0 <= now.0);
            TokenRow {
                id: t.id,
                name: t.name.clone(),
                scope: t.scope.as_str(),
                created: when(t.created_at, &zone, lang).0,
                expires: t.expires_at.map_or_else(
                    || lang.text("tokens.never").to_string(),
                    |e| when(e, &zone, lang).0,
                ),
                state: lang.text(if t.revoked_at.is_some() {
                    "tokens.revoked"
                } else if expired {
                    "tokens.expired"
                } else {
                    "tokens.live"
                }),
                live: t.revoked_at.is_none() && !expired,
            }
        })
        .collect();
    let scopes = Scope::ALL
        .iter()
        .filter(|s| s.fits(agent.caller.role) && agent.caller.scope.covers(**s))
        .map(|s| s.as_str())
        .collect();
    let template = TokensPage {
        chrome,
        tokens,
        scopes,
        fresh,
    };
    let mut response = page(status, &template);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The tokens.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let chrome = noticed(agent.chrome.clone(), q.done.as_deref(), DONE);
    render(&s, &agent, StatusCode::OK, chrome, None).await
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires_in_days: String,
}

async fn issue(
    s: &AppState,
    agent: &AgentPage,
    form: &NewTokenForm,
) -> Result<IssuedToken, AppError> {
    let scope = form
        .scope
        .parse::<Scope>()
        .map_err(|_| AppError::invalid("scope", rapport_app::msg!("error.page.scope")))?;
    let days = match form.expires_in_days.trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| {
            AppError::invalid("expires_in_days", rapport_app::msg!("error.page.days"))
        })?),
    };
    s.app
        .create_api_token(&agent.caller, &form.name, scope, days)
        .await
}

/// Creates a token and shows its secret this once.
pub async fn create(
    State(s): State<AppState>,
    agent: AgentPage,
    Form(form): Form<NewTokenForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match issue(&s, &agent, &form).await {
        Ok(issued) => {
            let chrome = agent.chrome.clone().with_notice(
                "The token was created. Copy its secret now: it is not shown again.",
                false,
            );
            let fresh = Fresh {
                name: issued.record.name,
                secret: issued.token,
            };
            render(&s, &agent, StatusCode::OK, chrome, Some(fresh)).await
        }
        Err(e) => {
            let (status, chrome) = refused_in(&agent.chrome, e);
            render(&s, &agent, status, chrome, None).await
        }
    }
}

/// Revokes one of the person's tokens.
pub async fn revoke(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match s.app.revoke_token(&agent.caller, id).await {
        Ok(()) => Ok(done("/app/admin/tokens", "revoked")),
        Err(e) => {
            let (status, chrome) = refused_in(&agent.chrome, e);
            render(&s, &agent, status, chrome, None).await
        }
    }
}
