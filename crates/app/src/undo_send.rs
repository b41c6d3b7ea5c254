//! Undo send: with `mail.undo_send` set, a reply the agent sends is checked
//! as if it were stored (the collision check, the coach gate, the promise
//! decisions, the uploads) and then held for that long. Until then its
//! sender may take it back: the text returns to the draft and the undo
//! stays recorded on the held row. After it, the release worker (run by the
//! scheduler of every server) stores it on the ticket and queues its mail in
//! one transaction with marking it released, so it leaves exactly once and
//! the ticket sees it only then: an undone reply leaves no message, event,
//! promise or mail behind.

use crate::promises::PromiseDecisions;
use crate::tickets::{MessageRole, body, may_add};
use crate::{App, AppError, Caller};
use rapport_core::{
    Actor, AuthorKind, Command, MessageId, MessageKind, Permission, PromiseChoice, PromiseId,
    TicketId, Timestamp,
};
pub use rapport_store::{HeldReply, HeldStatus};
use rapport_store::{NewHeldReply, StoreError, TicketChange};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a release worker's claim on a held reply lasts.
const RELEASE_LEASE: Duration = Duration::from_secs(60);
/// Held replies released per round.
const RELEASE_BATCH: i64 = 50;

/// What sending a reply did.
#[derive(Debug)]
pub enum Sent {
    /// Stored on the ticket at once (undo send is off).
    Stored(Box<TicketChange>),
    /// Held until its release time; it may be undone until then.
    Held(HeldReply),
}

/// The promise decisions as the held row keeps them.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredDecisions {
    /// (position, "confirm" | "drop" | due time in microseconds).
    choices: Vec<(usize, StoredChoice)>,
    fulfils: Vec<i64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredChoice {
    Confirm,
    Drop,
    DueAt(i64),
}

fn encode(decisions: &PromiseDecisions) -> Result<String, AppError> {
    let stored = StoredDecisions {
        choices: decisions
            .choices
            .iter()
            .map(|(i, c)| {
                let c = match c {
                    PromiseChoice::Confirm => StoredChoice::Confirm,
                    PromiseChoice::Drop => StoredChoice::Drop,
                    PromiseChoice::DueAt(at) => StoredChoice::DueAt(at.0),
                };
                (*i, c)
            })
            .collect(),
        fulfils: decisions.fulfils.iter().map(|p| p.0).collect(),
    };
    serde_json::to_string(&stored).map_err(|e| AppError::Internal(e.to_string()))
}

fn decode(text: &str) -> Result<PromiseDecisions, AppError> {
    let stored: StoredDecisions =
        serde_json::from_str(text).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(PromiseDecisions {
        choices: stored
            .choices
            .into_iter()
            .map(|(i, c)| {
                let c = match c {
                    StoredChoice::Confirm => PromiseChoice::Confirm,
                    StoredChoice::Drop => PromiseChoice::Drop,
                    StoredChoice::DueAt(at) => PromiseChoice::DueAt(Timestamp(at)),
                };
                (i, c)
            })
            .collect(),
        fulfils: stored.fulfils.into_iter().map(PromiseId).collect(),
    })
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// Whether a release failed for a reason that will not go away by waiting.
fn is_final(error: &AppError) -> bool {
    !matches!(
        error,
        AppError::Store(_) | AppError::Unavailable(_) | AppError::Internal(_)
    )
}

impl App {
    /// Sends a reply: held for `mail.undo_send` (when set) so its sender may
    /// undo it, else stored at once. Everything that would refuse it later
    /// (who may reply, a closed ticket, the collision check, the coach gate,
    /// the promise decisions, the uploads) refuses it now.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_reply(
        &self,
        caller: &Caller,
        id: TicketId,
        text: &str,
        override_reason: Option<&str>,
        attachment_ids: &[i64],
        decisions: &PromiseDecisions,
        based_on: Option<crate::presence::Seen>,
    ) -> Result<Sent, AppError> {
        let delay = self.config().mail.undo_send;
        if delay.is_zero() {
            return self
                .add_message_checked(
                    caller,
                    id,
                    MessageRole::Reply,
                    text,
                    override_reason,
                    attachment_ids,
                    decisions,
                    based_on,
                )
                .await
                .map(|change| Sent::Stored(Box::new(change)));
        }
        caller.require(Permission::Work, "add messages")?;
        let text = body(text)?;
        if let Some(seen) = based_on {
            self.newer_records(caller, id, seen).await?.check()?;
        }
        self.own_uploads(caller, attachment_ids).await?;
        let ticket = self.store().ticket(id).await?;
        may_add(caller, &ticket, MessageRole::Reply)?;
        // The state machine's answer now (a closed ticket takes no reply).
        rapport_core::decide(
            &ticket,
            &Command::AddMessage {
                message_id: MessageId(0),
                kind: MessageKind::Public,
                author: AuthorKind::Agent,
            },
            Actor::Agent(caller.agent_id),
        )?;
        let customer = self.store().customer(ticket.customer_id).await?;
        let gate = self
            .gate_reply(&ticket, customer.name, &text, override_reason)
            .await?;
        crate::promises::choose(&gate.promises, decisions, Timestamp::now())?;
        let reply = NewHeldReply {
            ticket_id: id,
            agent_id: caller.agent_id,
            body: text,
            override_reason: override_reason.map(str::to_string),
            attachment_ids: serde_json::to_string(attachment_ids)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            decisions: encode(decisions)?,
            release_at: Timestamp(Timestamp::now().0 + micros(delay)),
        };
        let mut tx = self.store().begin_write().await?;
        // Under the ticket's lock: a colleague's reply held a moment ago
        // stops this one as a stored one would.
        if let Some(seen) = based_on {
            crate::presence::newer_by_others(&mut tx, caller, id, seen)
                .await?
                .check()?;
        }
        tx.delete_draft(id, caller.agent_id).await?;
        let held = tx.hold_reply(&reply).await?;
        tx.commit().await?;
        tracing::info!(ticket = id.0, held = held.id, "reply held for undo");
        Ok(Sent::Held(held))
    }

    /// Takes back a held reply before its release time: its text returns to
    /// the sender's draft. Refused with a conflict once it has left.
    pub async fn undo_reply(&self, caller: &Caller, held: i64) -> Result<HeldReply, AppError> {
        caller.require(Permission::Work, "undo replies")?;
        let mut tx = self.store().begin_write().await?;
        let undone = tx
            .undo_held(held, caller.agent_id, Timestamp::now())
            .await?;
        tx.commit().await?;
        if let Some(undone) = undone {
            tracing::info!(ticket = undone.ticket_id.0, held, "reply undone");
            return Ok(undone);
        }
        match self.store().held_reply(held).await {
            Ok(found) if found.agent_id == caller.agent_id => {
                Err(AppError::Conflict(msg!("error.undo.left")))
            }
            Ok(_) | Err(StoreError::NotFound(_)) => Err(AppError::NotFound("held reply")),
            Err(error) => Err(error.into()),
        }
    }

    /// The caller's replies on a ticket still waiting to leave.
    pub async fn held_replies(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<HeldReply>, AppError> {
        caller.require(Permission::Read, "read tickets")?;
        Ok(self
            .store()
            .held_replies_of(ticket, caller.agent_id)
            .await?)
    }

    /// Releases the held replies whose time has come; returns how many were
    /// stored. One refused for good goes back to its sender's draft.
    pub async fn release_held_replies(&self) -> Result<usize, AppError> {
        let claim = Timestamp(Timestamp::now().0 + micros(RELEASE_LEASE));
        let claimed = self
            .store()
            .claim_held_replies(RELEASE_BATCH, claim)
            .await?;
        let mut released = 0;
        for held in claimed {
            match self.release(&held, claim).await {
                Ok(()) => released += 1,
                Err(AppError::Conflict(_)) => {}
                Err(error) if is_final(&error) => {
                    tracing::warn!(ticket = held.ticket_id.0, held = held.id, %error,
                        "a held reply was refused; its text went back to the draft");
                    let mut tx = self.store().begin_write().await?;
                    tx.held_failed(&held, claim, &error.to_string()).await?;
                    tx.commit().await?;
                }
                Err(error) => {
                    tracing::error!(held = held.id, %error, "releasing a held reply failed; retried after the lease");
                }
            }
        }
        Ok(released)
    }

    /// Stores one claimed reply as its sender.
    async fn release(&self, held: &HeldReply, claim: Timestamp) -> Result<(), AppError> {
        let agent = self.store().agent(held.agent_id).await?;
        if !agent.active {
            return Err(AppError::Forbidden(msg!("error.undo.sender_disabled")));
        }
        let caller = Caller::operator(held.agent_id, agent.role);
        let attachments: Vec<i64> = serde_json::from_str(&held.attachment_ids)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let decisions = decode(&held.decisions)?;
        self.store_message(
            &caller,
            held.ticket_id,
            MessageRole::Reply,
            &held.body,
            held.override_reason.as_deref(),
            &attachments,
            &decisions,
            None,
            Some((held.id, claim)),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn decisions_survive_the_held_row() {
        let decisions = PromiseDecisions {
            choices: vec![
                (0, PromiseChoice::Confirm),
                (1, PromiseChoice::DueAt(Timestamp(1_700_000_000_000_000))),
                (2, PromiseChoice::Drop),
            ],
            fulfils: vec![PromiseId(7)],
        };
        let text = encode(&decisions).unwrap();
        assert_eq!(decode(&text).unwrap(), decisions);
    }
}
