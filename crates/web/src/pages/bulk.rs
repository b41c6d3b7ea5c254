//! Bulk actions from a list: the rows ticked (`ids`, repeated), then
//! assign, status and tags, through [`rapport_app::App::bulk_command`].

use super::render::PageError;
use super::session::AgentPage;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use rapport_core::{AgentId, Command, Status, TicketId};

/// Runs the chosen changes on the ticked tickets, then back to the list
/// with how many were done and refused.
pub async fn bulk(
    State(s): State<AppState>,
    agent: AgentPage,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields: Vec<(String, String)> = super::url_decoded(&body).collect();
    let one = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut ids = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "ids") {
        let id = v.parse::<i64>().map_err(|_| {
            ApiError::refusal("ids", rapport_app::msg!("error.page.ticket_numbers"))
        })?;
        ids.push(TicketId(id));
    }
    let mut commands = Vec::new();
    match one("assign").as_str() {
        "" => {}
        "me" => commands.push(Command::Assign {
            agent: agent.caller.agent_id,
            team: None,
        }),
        other => {
            let to = other.parse::<i64>().map_err(|_| {
                ApiError::refusal("assign", rapport_app::msg!("error.page.choose_agent"))
            })?;
            commands.push(Command::Assign {
                agent: AgentId(to),
                team: None,
            });
        }
    }
    let status = one("status");
    if !status.is_empty() {
        let to = status.parse::<Status>().map_err(|_| {
            ApiError::refusal(
                "status",
                rapport_app::msg!("error.tickets.bad_status", status = format!("{status:?}")),
            )
        })?;
        commands.push(Command::ChangeStatus { to });
    }
    let tags: Vec<String> = one("tags")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if !tags.is_empty() {
        commands.push(Command::Tag {
            add: tags,
            remove: Vec::new(),
        });
    }
    let outcome = s.app.bulk_command(&agent.caller, &ids, &commands).await?;
    let view = one("view");
    let view = if view.bytes().all(|b| b.is_ascii_lowercase()) {
        view
    } else {
        String::new()
    };
    Ok(Redirect::to(&format!(
        "/app?view={view}&done={}&refused={}",
        outcome.done,
        outcome.refused.len()
    ))
    .into_response())
}
