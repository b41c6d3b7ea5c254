//! `/app/admin/...`: the workspace's administration. Agents and teams,
//! the signed-in person's API tokens, mail templates with their save-time
//! checks and the coach's findings, quarantined mail and the mail
//! channel's status. Leads and admins open them (agents get 403); each
//! form calls the same `rapport-app` use case as the JSON API, so what a
//! lead may not change (agents, quarantine, mail status) is refused there.

pub mod mail;
pub mod people;
pub mod templates;
pub mod tokens;

use super::render::{Chrome, PageError, page, refusal_text};
use super::session::AgentPage;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use rapport_app::AppError;
use rapport_app::i18n::Lang;
use rapport_core::Permission;
use serde::Deserialize;

/// The admin routes (under the pages' CSRF check and headers).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/admin", get(overview))
        .route(
            "/app/admin/agents",
            get(people::show).post(people::create_agent),
        )
        .route("/app/admin/agents/{id}", post(people::change_agent))
        .route("/app/admin/teams", post(people::create_team))
        .route("/app/admin/teams/{id}", post(people::rename_team))
        .route("/app/admin/teams/{id}/members", post(people::members))
        .route("/app/admin/tokens", get(tokens::show).post(tokens::create))
        .route("/app/admin/tokens/{id}/revoke", post(tokens::revoke))
        .route("/app/admin/templates", get(templates::list))
        .route("/app/admin/template-new", get(templates::new))
        .route(
            "/app/admin/templates/{name}",
            get(templates::edit).post(templates::submit),
        )
        .route("/app/admin/quarantine", get(mail::quarantine))
        .route("/app/admin/quarantine/{id}", get(mail::message))
        .route("/app/admin/quarantine/{id}/raw", get(mail::raw))
        .route("/app/admin/quarantine/{id}/release", post(mail::release))
        .route("/app/admin/mail", get(mail::status))
        .route("/app/admin/outbox/retry", post(mail::retry_all))
        .route("/app/admin/outbox/{id}/retry", post(mail::retry_one))
        .route(
            "/app/admin/agents/{id}/password",
            post(people::reset_password),
        )
        .route("/app/admin/teams/{id}/delete", post(people::delete_team))
}

/// Refuses agents: the admin pages are for leads and admins.
pub(crate) fn staff_only(agent: &AgentPage) -> Result<(), PageError> {
    agent
        .caller
        .require(Permission::ManageTeams, "open the admin pages")
        .map_err(PageError::from)
}

/// The `?done=` of the page a form redirected to.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Done {
    /// Which change was made (a fixed word; never shown as given).
    pub done: Option<String>,
    /// The page of a list (quarantine: records before this id).
    pub before: Option<i64>,
}

/// The frame with the sentence for a `?done=` word, if it is one of `known`
/// (word, catalogue key).
pub(crate) fn noticed(chrome: Chrome, done: Option<&str>, known: &[(&str, &str)]) -> Chrome {
    match done.and_then(|d| known.iter().find(|(k, _)| *k == d)) {
        Some((_, key)) => {
            let text = chrome.t(key);
            chrome.with_notice(text, false)
        }
        None => chrome,
    }
}

/// Where a form goes after a change: back to its page, saying what was done.
pub(crate) fn done(path: &str, what: &str) -> Response {
    Redirect::to(&format!("{path}?done={what}")).into_response()
}

/// The status and frame of a page shown again after a refused form: the
/// refusal's status, its sentence above the page.
pub(crate) fn refused_in(chrome: &Chrome, error: AppError) -> (StatusCode, Chrome) {
    let (status, message) = refused(error, chrome.lang);
    (status, chrome.clone().with_notice(message, true))
}

/// The status and sentence of a refusal (with the field at fault), in
/// the reader's language.
pub(crate) fn refused(error: AppError, lang: Lang) -> (StatusCode, String) {
    let error = crate::error::ApiError::from(error);
    (error.status, refusal_text(lang, &error))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct OverviewPage {
    chrome: Chrome,
    admin: bool,
}

/// The list of admin pages this person may open.
pub async fn overview(State(_s): State<AppState>, agent: AgentPage) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let admin = agent.caller.role.allows(Permission::ManageAgents);
    let template = OverviewPage {
        chrome: agent.chrome,
        admin,
    };
    Ok(page(StatusCode::OK, &template))
}
