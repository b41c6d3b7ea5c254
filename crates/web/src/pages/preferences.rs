//! `/app/preferences`: an agent's own settings, the language the workspace
//! speaks to them in (none: their browser's) and their time zone. The same
//! use case as `PATCH /api/v1/agents/me`.

use super::admin::{Done, noticed};
use super::render::{Chrome, PageError, page};
use super::session::AgentPage;
use crate::extract::Query;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_app::agents::AgentUpdate;
use rapport_app::i18n::LANGS;
use serde::Deserialize;

const DONE: &[(&str, &str)] = &[("saved", "prefs.saved")];

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage {
    chrome: Chrome,
    /// (code, the language's own name, chosen).
    languages: Vec<(&'static str, &'static str, bool)>,
    /// Whether no language is stored (the browser's applies).
    browser: bool,
    time_zone: String,
}

/// The agent's preferences.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let record = s.app.agent(&agent.caller, agent.caller.agent_id).await?;
    let chrome = noticed(agent.chrome, q.done.as_deref(), DONE);
    let stored = record.language.as_deref();
    let template = PreferencesPage {
        languages: LANGS
            .iter()
            .map(|l| (l.as_str(), l.own_name(), stored == Some(l.as_str())))
            .collect(),
        browser: stored.is_none(),
        time_zone: record.time_zone.unwrap_or_default(),
        chrome,
    };
    Ok(page(StatusCode::OK, &template))
}

/// What the preferences form sends.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    time_zone: String,
}

/// Saves the agent's own preferences; a refusal shows the error page.
pub async fn save(
    State(s): State<AppState>,
    agent: AgentPage,
    Form(form): Form<PreferencesForm>,
) -> Result<Response, PageError> {
    let update = AgentUpdate {
        language: Some(form.language),
        time_zone: Some(form.time_zone),
        ..AgentUpdate::default()
    };
    s.app
        .update_agent(&agent.caller, agent.caller.agent_id, update)
        .await?;
    Ok(Redirect::to("/app/preferences?done=saved").into_response())
}
