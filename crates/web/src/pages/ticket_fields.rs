//! The ticket page's priority and tags: plain forms through the same
//! commands as `POST /api/v1/tickets/{id}/priority` and `/tags`.

use super::session::AgentPage;
use super::ticket::finish;
use crate::extract::Id;
use crate::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use rapport_core::{Command, Priority, TicketId};
use serde::Deserialize;

/// What the priority form sends.
#[derive(Deserialize)]
pub struct PriorityForm {
    priority: String,
}

/// Sets the priority.
pub async fn priority(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<PriorityForm>,
) -> Result<Response, super::render::PageError> {
    let to = form.priority.parse::<Priority>().map_err(|_| {
        crate::error::ApiError::refusal(
            "priority",
            rapport_app::msg!(
                "error.page.priority",
                value = format!("{:?}", form.priority)
            ),
        )
    })?;
    let result = s
        .app
        .command(&agent.caller, TicketId(id), Command::SetPriority { to })
        .await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}

/// What the tags form sends: tags to add (separated by commas), or one to remove.
#[derive(Deserialize)]
pub struct TagsForm {
    #[serde(default)]
    add: String,
    #[serde(default)]
    remove: String,
}

/// Adds the tags typed (comma-separated) and removes the one named.
pub async fn tags(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<TagsForm>,
) -> Result<Response, super::render::PageError> {
    let split = |text: &str| -> Vec<String> {
        text.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    };
    let command = Command::Tag {
        add: split(&form.add),
        remove: split(&form.remove),
    };
    let result = s.app.command(&agent.caller, TicketId(id), command).await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}
