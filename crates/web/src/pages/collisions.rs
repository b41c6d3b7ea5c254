//! The ticket page's live parts against collisions: the heartbeat that says
//! "I have this ticket open (and I am writing)" and answers who else has it
//! open and what was written since the page was loaded, leaving, and the
//! draft saved as the agent types. The page works without them; they only
//! need the workspace script.

use super::render::{Chrome, PageError, page};
use super::session::AgentPage;
use crate::extract::Id;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rapport_app::presence::{Activity, Newer, Presence, Seen};
use rapport_core::{MessageId, TicketId};
use serde::Deserialize;

/// The presence box of a ticket page.
#[derive(Template)]
#[template(path = "presence.html")]
pub struct PresenceBox {
    /// The reader's frame (its language).
    pub chrome: Chrome,
    /// The ticket.
    pub id: i64,
    /// The newest message the page shows (0: none).
    pub based_on: i64,
    /// The newest colleague's held reply the page shows (0: none).
    pub seen_held: i64,
    /// Who else is here: (name, "viewing" or "replying").
    pub others: Vec<(String, &'static str)>,
    /// What others wrote since: (author, first words, a reply being sent).
    pub newer: Vec<(String, String, bool)>,
}

impl PresenceBox {
    /// The box for these people and newer messages.
    pub fn new(
        chrome: Chrome,
        (id, seen): (i64, Option<Seen>),
        others: Vec<Presence>,
        newer: Vec<Newer>,
    ) -> Self {
        Self {
            chrome,
            id,
            based_on: seen.map_or(0, |s| s.message.0),
            seen_held: seen.map_or(0, |s| s.held),
            others: others
                .into_iter()
                .map(|p| (p.name, p.activity.as_str()))
                .collect(),
            newer: newer
                .into_iter()
                .map(|n| (n.author, excerpt(&n.text), n.pending))
                .collect(),
        }
    }
}

/// What the heartbeat sends.
#[derive(Deserialize)]
pub struct HeartbeatForm {
    activity: String,
    #[serde(default)]
    based_on: String,
    #[serde(default)]
    seen_held: String,
}

/// The heartbeat of an open ticket page: answers the presence box.
pub async fn heartbeat(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<HeartbeatForm>,
) -> Result<Response, PageError> {
    let activity = form.activity.parse::<Activity>().map_err(|_| {
        crate::error::ApiError::refusal("activity", rapport_app::msg!("error.page.activity"))
    })?;
    let seen = parse_seen(&form.based_on, &form.seen_held)?;
    let ticket = TicketId(id);
    let others = s.app.heartbeat(&agent.caller, ticket, activity).await?;
    let newer = match seen {
        Some(seen) => s.app.newer_messages(&agent.caller, ticket, seen).await?,
        None => Vec::new(),
    };
    let boxed = PresenceBox::new(agent.chrome, (id, seen), others, newer);
    Ok(page(StatusCode::OK, &boxed))
}

/// The agent left the ticket's page.
pub async fn leave(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
) -> Result<Response, PageError> {
    s.app.leave_ticket(&agent.caller, TicketId(id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What the draft autosave sends.
#[derive(Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    body: String,
}

/// Saves the agent's draft reply (an empty one deletes it).
pub async fn save_draft(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<DraftForm>,
) -> Result<Response, PageError> {
    s.app
        .save_draft(&agent.caller, TicketId(id), &form.body)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The `based_on` and `seen_held` fields of a form: what the page showed
/// (none when it names no message, and the check is off).
pub fn parse_seen(based_on: &str, seen_held: &str) -> Result<Option<Seen>, PageError> {
    let number = |text: &str| match text.trim() {
        "" => Ok(0),
        t => t.parse::<i64>().map_err(|_| {
            PageError::from(crate::error::ApiError::refusal(
                "based_on",
                rapport_app::msg!("error.page.message_id"),
            ))
        }),
    };
    let (message, held) = (number(based_on)?, number(seen_held)?);
    Ok((message > 0).then_some(Seen {
        message: MessageId(message),
        held,
    }))
}

/// The first words of a message.
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 160;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
