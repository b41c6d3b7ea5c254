//! The demo's own conversations, written for Rapport (fictional brands and
//! people, `crates/app/demo/conversations.jsonl`) and compiled into the
//! binary, so a fresh clone shows a living help desk: several brands and
//! teams, returning customers, every status, transfers with hand-off notes,
//! replies with promises, a few replies the coach objects to, spam and a
//! duplicate. Each is replayed through the same use cases the API calls.

use super::Staff;
use crate::tickets::{CustomerRef, MessageRole, OpenTicket};
use crate::{App, AppError, Caller};
use rapport_core::{Channel, Command, Priority, Status, TicketId};
use serde::Deserialize;

/// The conversations, one JSON object a line.
const WRITTEN: &str = include_str!("../../demo/conversations.jsonl");

/// How a written conversation ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nobody has answered yet.
    New,
    /// Answered, being worked on.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on someone else.
    OnHold,
    /// Answered and solved.
    Solved,
    /// Solved and closed.
    Closed,
    /// Handed to a colleague with a note.
    Transferred,
    /// Not a request.
    Spam,
    /// The same request as the conversation before it.
    Duplicate,
}

/// A customer as the conversation names them.
#[derive(Debug, Clone, Deserialize)]
pub struct WrittenCustomer {
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
}

/// One written conversation.
#[derive(Debug, Clone, Deserialize)]
pub struct WrittenConversation {
    /// The brand.
    pub company: String,
    /// The team that handles it: Billing, Delivery or Technical.
    pub team: String,
    /// Who wrote.
    pub customer: WrittenCustomer,
    /// The ticket's subject.
    pub subject: String,
    /// How it came in.
    pub channel: Channel,
    /// How urgent.
    pub priority: Priority,
    /// Labels.
    pub tags: Vec<String>,
    /// Where it ends.
    pub outcome: Outcome,
    /// The hand-off note of a transfer.
    #[serde(default)]
    pub handoff: Option<String>,
    /// The turns, the customer's first.
    pub turns: Vec<super::Turn>,
}

/// The written conversations; a bad line is an error naming it.
pub fn written_conversations() -> Result<Vec<WrittenConversation>, AppError> {
    WRITTEN
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map_err(|e| AppError::Internal(format!("demo/conversations.jsonl:{}: {e}", n + 1)))
        })
        .collect()
}

/// The agent who signs a conversation's first reply, else one of the team.
fn worker_for(staff: &Staff, conversation: &WrittenConversation, i: usize) -> Caller {
    let signed = conversation
        .turns
        .iter()
        .find(|t| !t.is_customer())
        .and_then(|t| {
            staff
                .agents
                .iter()
                .position(|(first, _)| t.text.trim_end().ends_with(first.as_str()))
        });
    let index = signed.unwrap_or(2 + i % 4);
    staff.caller(index)
}

/// Replays every written conversation; returns the tickets made.
pub(super) async fn seed_written(app: &App, staff: &Staff) -> Result<Vec<TicketId>, AppError> {
    let mut created: Vec<TicketId> = Vec::new();
    for (i, conversation) in written_conversations()?.iter().enumerate() {
        let Some(first) = conversation.turns.first() else {
            continue;
        };
        let worker = worker_for(staff, conversation, i);
        let team = staff.team(&conversation.team);
        let open = OpenTicket {
            subject: conversation.subject.clone(),
            customer: CustomerRef::Email {
                email: conversation.customer.email.clone(),
                name: conversation.customer.name.clone(),
            },
            channel: conversation.channel,
            priority: conversation.priority,
            team_id: team,
            tags: conversation.tags.clone(),
            message: Some(first.text.clone()),
        };
        let id = app.open_ticket(&worker, open).await?.ticket.id;
        for turn in conversation.turns.iter().skip(1) {
            let role = if turn.is_customer() {
                MessageRole::FromCustomer
            } else {
                MessageRole::Reply
            };
            // Some replies are written to be imperfect, so the coach has
            // something to show on the history: sent as an override.
            app.add_message(&worker, id, role, &turn.text, Some("demo history"), &[])
                .await?;
        }
        finish(
            app,
            staff,
            conversation,
            &worker,
            id,
            created.last().copied(),
        )
        .await?;
        created.push(id);
    }
    Ok(created)
}

/// Brings a replayed conversation to its outcome.
async fn finish(
    app: &App,
    staff: &Staff,
    conversation: &WrittenConversation,
    worker: &Caller,
    id: TicketId,
    previous: Option<TicketId>,
) -> Result<(), AppError> {
    let lead = staff.caller(1);
    let set = |to| Command::ChangeStatus { to };
    match conversation.outcome {
        Outcome::New | Outcome::Open => {}
        Outcome::Pending => {
            app.command(worker, id, set(Status::Pending)).await?;
        }
        Outcome::OnHold => {
            app.command(worker, id, set(Status::OnHold)).await?;
        }
        Outcome::Solved => {
            app.command(worker, id, set(Status::Solved)).await?;
        }
        Outcome::Closed => {
            app.command(worker, id, set(Status::Solved)).await?;
            app.command(&lead, id, set(Status::Closed)).await?;
        }
        Outcome::Transferred => {
            let to = staff.colleague_of(worker);
            let note = conversation.handoff.clone().unwrap_or_default();
            app.command(
                worker,
                id,
                Command::Transfer {
                    to_agent: Some(to),
                    to_team: None,
                    note,
                },
            )
            .await?;
        }
        Outcome::Spam => {
            app.command(
                &lead,
                id,
                Command::CloseAsSpam {
                    reason: "Advertising, not a request".into(),
                },
            )
            .await?;
        }
        Outcome::Duplicate => {
            if let Some(of) = previous {
                app.command(
                    &lead,
                    id,
                    Command::CloseAsDuplicate {
                        of,
                        reason: "Same customer, same problem, written twice".into(),
                    },
                )
                .await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_conversations_parse_and_cover_every_outcome() {
        let all = written_conversations().unwrap_or_default();
        assert!(all.len() >= 300, "{}", all.len());
        for outcome in [
            Outcome::New,
            Outcome::Open,
            Outcome::Pending,
            Outcome::OnHold,
            Outcome::Solved,
            Outcome::Closed,
            Outcome::Transferred,
            Outcome::Spam,
            Outcome::Duplicate,
        ] {
            assert!(all.iter().any(|c| c.outcome == outcome), "{outcome:?}");
        }
        assert!(
            all.iter()
                .filter(|c| c.outcome == Outcome::Transferred)
                .all(|c| c.handoff.as_deref().is_some_and(|h| h.len() >= 40))
        );
    }
}
