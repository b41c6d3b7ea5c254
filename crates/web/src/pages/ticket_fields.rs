//! The ticket page's priority, tags and assignment: plain forms through the
//! same commands as `POST /api/v1/tickets/{id}/priority`, `/tags` and
//! `/assign`.

use super::session::AgentPage;
use super::ticket::finish;
use crate::extract::Id;
use crate::state::AppState;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use rapport_core::{AgentId, Command, Priority, TicketId};
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

/// What the assign form sends: the agent who takes the unowned ticket.
#[derive(Deserialize)]
pub struct AssignForm {
    agent: String,
}

/// Gives an unowned ticket to an agent (an owned one moves by a transfer,
/// with its hand-off note).
pub async fn assign(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<AssignForm>,
) -> Result<Response, super::render::PageError> {
    let to = form.agent.parse::<i64>().map_err(|_| {
        crate::error::ApiError::refusal("agent", rapport_app::msg!("error.page.choose_agent"))
    })?;
    let command = Command::Assign {
        agent: AgentId(to),
        team: None,
    };
    let result = s.app.command(&agent.caller, TicketId(id), command).await;
    finish(&s, agent, TicketId(id), result.map(|_| ()), String::new()).await
}
