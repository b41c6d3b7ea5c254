//! Collisions: who else is viewing or replying to a ticket (a heartbeat of
//! the open page, kept in the database so every server sees every agent),
//! and the rule that stops a send when someone else wrote on the ticket
//! after the sender last looked ([`newer_by_others`], used by
//! [`App::add_message_checked`] for the API and the pages alike).

use crate::{App, AppError, Caller};
use rapport_core::{AgentId, AuthorKind, MessageId, Permission, TicketId, Timestamp};
pub use rapport_store::PresenceChange;
use rapport_store::{HeldReply, MessageRecord, PresenceRecord, WriteTx};
use std::collections::HashMap;

/// How often an open ticket page reports that it is still open.
pub const HEARTBEAT_SECONDS: i64 = 10;
/// A heartbeat older than this is nobody (a closed tab, a lost network).
pub const PRESENCE_TIMEOUT_SECONDS: i64 = 30;
/// The newer messages a stopped send shows at most.
pub const NEWER_SHOWN: i64 = 20;

const MICROS: i64 = 1_000_000;

/// Whether an agent on a ticket is reading or writing a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// The page is open.
    Viewing,
    /// The reply box holds text.
    Replying,
}

rapport_core::str_enum!(Activity {
    Activity::Viewing => "viewing",
    Activity::Replying => "replying",
});

/// Someone on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    /// The agent.
    pub agent_id: AgentId,
    /// Their name.
    pub name: String,
    /// Reading or writing.
    pub activity: Activity,
}

impl From<PresenceRecord> for Presence {
    fn from(r: PresenceRecord) -> Self {
        Self {
            agent_id: r.agent_id,
            name: r.name,
            activity: if r.replying {
                Activity::Replying
            } else {
                Activity::Viewing
            },
        }
    }
}

fn alive_after(now: Timestamp) -> Timestamp {
    Timestamp(now.0 - PRESENCE_TIMEOUT_SECONDS * MICROS)
}

impl App {
    /// The open page's heartbeat: records that the caller is on the ticket
    /// (reading or writing) and answers who else is.
    pub async fn heartbeat(
        &self,
        caller: &Caller,
        ticket: TicketId,
        activity: Activity,
    ) -> Result<Vec<Presence>, AppError> {
        caller.require(Permission::Read, "open tickets")?;
        self.store().ticket(ticket).await?;
        let now = Timestamp::now();
        self.store()
            .touch_presence(
                ticket,
                caller.agent_id,
                activity == Activity::Replying,
                now,
                alive_after(now),
            )
            .await?;
        self.others_on(caller, ticket).await
    }

    /// The caller left the ticket's page.
    pub async fn leave_ticket(&self, caller: &Caller, ticket: TicketId) -> Result<(), AppError> {
        caller.require(Permission::Read, "open tickets")?;
        self.store()
            .leave_presence(ticket, caller.agent_id, Timestamp::now())
            .await?;
        Ok(())
    }

    /// Who else (not the caller) is on a ticket now.
    pub async fn others_on(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<Presence>, AppError> {
        let mut all = self.presence(caller, &[ticket]).await?;
        Ok(all.remove(&ticket).unwrap_or_default())
    }

    /// Who else (not the caller) is on each of these tickets now.
    pub async fn presence(
        &self,
        caller: &Caller,
        tickets: &[TicketId],
    ) -> Result<HashMap<TicketId, Vec<Presence>>, AppError> {
        caller.require(Permission::Read, "list tickets")?;
        let rows = self
            .store()
            .presence_on(tickets, alive_after(Timestamp::now()))
            .await?;
        let mut out: HashMap<TicketId, Vec<Presence>> = HashMap::new();
        for row in rows {
            if row.agent_id != caller.agent_id {
                out.entry(row.ticket_id).or_default().push(row.into());
            }
        }
        Ok(out)
    }

    /// Forgets presence rows whose heartbeat stopped a day ago or more.
    pub async fn prune_presence(&self) -> Result<u64, AppError> {
        let day_ago = Timestamp(Timestamp::now().0 - 86_400 * MICROS);
        Ok(self.store().prune_presence(day_ago).await?)
    }

    /// Presence changes in `(since, now]` (arrivals, writing, departures,
    /// stopped heartbeats), for the live feed.
    pub async fn presence_changes(
        &self,
        since: Timestamp,
        now: Timestamp,
    ) -> Result<Vec<PresenceChange>, AppError> {
        Ok(self
            .store()
            .presence_changes(since, now, PRESENCE_TIMEOUT_SECONDS * MICROS)
            .await?)
    }
}

/// What a sender had seen of a ticket: its newest message, and the newest
/// colleague's reply still in its undo window that was shown to them (0:
/// none). Colleagues' replies after either stop the send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// The newest message shown.
    pub message: MessageId,
    /// The newest held reply by a colleague shown (0: none).
    pub held: i64,
}

impl Seen {
    /// Seen up to a message, with no held reply shown.
    pub fn message(message: MessageId) -> Self {
        Self { message, held: 0 }
    }
}

/// Why a send was stopped: what others wrote after the sender's view, and
/// colleagues' replies still in their undo window that the sender was not
/// shown (each about to leave unless its sender takes it back).
#[derive(Debug, Clone, Default)]
pub struct Collision {
    /// Messages by others after the view, oldest first.
    pub newer: Vec<MessageRecord>,
    /// Colleagues' held replies the sender was not shown, oldest first.
    pub pending: Vec<HeldReply>,
}

impl Collision {
    /// Nothing new: the send may go.
    pub fn is_empty(&self) -> bool {
        self.newer.is_empty() && self.pending.is_empty()
    }

    /// How many things are new.
    pub fn len(&self) -> usize {
        self.newer.len() + self.pending.len()
    }

    /// Stops the send when something is new.
    pub(crate) fn check(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Collided(Box::new(self)))
        }
    }
}

/// The collision rule: the messages on the ticket after the view written by
/// someone other than the caller (a colleague's reply or note, the
/// customer's answer), and colleagues' replies held for undo send that the
/// caller was not shown. Read in the sending transaction after the ticket
/// is locked, so two agents sending at once cannot both pass, whether the
/// first reply is stored or held.
pub(crate) async fn newer_by_others(
    tx: &mut WriteTx,
    caller: &Caller,
    ticket: TicketId,
    seen: Seen,
) -> Result<Collision, AppError> {
    tx.ticket_locked(ticket)
        .await?
        .ok_or(AppError::NotFound("ticket"))?;
    let newer = tx.messages_after(ticket, seen.message, NEWER_SHOWN).await?;
    let shown = tx.released_upto(ticket, seen.held).await?;
    let pending = tx
        .pending_by_others(ticket, caller.agent_id, seen.held, NEWER_SHOWN)
        .await?;
    Ok(Collision {
        newer: unseen(caller, newer, &shown),
        pending,
    })
}

/// The messages by others, less those the caller saw as held replies.
fn unseen(caller: &Caller, newer: Vec<MessageRecord>, shown: &[MessageId]) -> Vec<MessageRecord> {
    newer
        .into_iter()
        .filter(|m| by_other(caller, m) && !shown.contains(&m.id))
        .collect()
}

/// Written by a person other than the caller (not by Rapport itself).
fn by_other(caller: &Caller, m: &MessageRecord) -> bool {
    let own = m.author_kind == AuthorKind::Agent && m.author_id == Some(caller.agent_id.0);
    let entered = m.entered_by == Some(caller.agent_id);
    m.author_kind != AuthorKind::System && !own && !entered
}

/// Something someone else wrote since the caller looked, with its author's
/// name: a message, or a colleague's reply still in its undo window.
#[derive(Debug, Clone)]
pub struct Newer {
    /// Who wrote it.
    pub author: String,
    /// Its text.
    pub text: String,
    /// A colleague's reply being sent (it may still be undone).
    pub pending: bool,
}

impl App {
    /// What others wrote on a ticket after the view (at most
    /// [`NEWER_SHOWN`] of each kind): what the open page shows before the
    /// send would be stopped.
    pub async fn newer_messages(
        &self,
        caller: &Caller,
        ticket: TicketId,
        seen: Seen,
    ) -> Result<Vec<Newer>, AppError> {
        let collision = self.newer_records(caller, ticket, seen).await?;
        self.named(ticket, &collision).await
    }

    /// A collision's messages and held replies with their authors' names,
    /// messages first.
    pub async fn named(
        &self,
        ticket: TicketId,
        collision: &Collision,
    ) -> Result<Vec<Newer>, AppError> {
        let found = self.store().ticket(ticket).await?;
        let mut out = Vec::new();
        for message in &collision.newer {
            let author = match (message.author_kind, message.author_id) {
                (AuthorKind::Agent, Some(id)) => self.store().agent(AgentId(id)).await?.name,
                _ => self.store().customer(found.customer_id).await?.name,
            };
            out.push(Newer {
                author,
                text: message.body_text.clone(),
                pending: false,
            });
        }
        for held in &collision.pending {
            out.push(Newer {
                author: self.store().agent(held.agent_id).await?.name,
                text: held.body.clone(),
                pending: true,
            });
        }
        Ok(out)
    }

    /// Colleagues' replies on a ticket still in their undo window, oldest
    /// first (what the ticket page shows as being sent).
    pub async fn pending_replies(
        &self,
        caller: &Caller,
        ticket: TicketId,
    ) -> Result<Vec<HeldReply>, AppError> {
        caller.require(Permission::Read, "read tickets")?;
        Ok(self
            .store()
            .pending_by_others(ticket, caller.agent_id, 0, NEWER_SHOWN)
            .await?)
    }

    /// What others wrote on a ticket after the view, oldest first.
    pub(crate) async fn newer_records(
        &self,
        caller: &Caller,
        ticket: TicketId,
        seen: Seen,
    ) -> Result<Collision, AppError> {
        caller.require(Permission::Read, "read tickets")?;
        let messages = self
            .store()
            .messages_after(ticket, Some(seen.message), NEWER_SHOWN)
            .await?;
        let shown = self.store().released_upto(ticket, seen.held).await?;
        let pending = self
            .store()
            .pending_by_others(ticket, caller.agent_id, seen.held, NEWER_SHOWN)
            .await?;
        Ok(Collision {
            newer: unseen(caller, messages, &shown),
            pending,
        })
    }
}
