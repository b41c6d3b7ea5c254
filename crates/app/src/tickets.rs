//! Ticket use cases: open, read, list, reply, assign, transfer, close.

use crate::error::missing_as;
use crate::promises::PromiseDecisions;
use crate::{App, AppError, Caller, Principal, plain_text, required_text};
use rapport_core::ticket::normalize_tag;
use rapport_core::{
    Actor, AgentId, AuthorKind, Channel, Closure, Command, CustomerId, Event, EventId, EventKind,
    MessageId, MessageKind, Permission, Priority, Status, TeamId, Ticket, TicketId, Timestamp,
};
use rapport_store::{MessageRecord, NewMessage, NewOutboxMail, TicketChange, TicketFilter};

/// The longest message body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Who a new ticket is from.
#[derive(Debug, Clone)]
pub enum CustomerRef {
    /// An existing customer.
    Id(CustomerId),
    /// Found by e-mail, created if new.
    Email {
        /// The address.
        email: String,
        /// The name to record if the customer is new.
        name: String,
    },
}

/// A request to open a ticket.
#[derive(Debug, Clone)]
pub struct OpenTicket {
    /// What it is about.
    pub subject: String,
    /// Who asks.
    pub customer: CustomerRef,
    /// How it came in.
    pub channel: Channel,
    /// How urgent.
    pub priority: Priority,
    /// The queue.
    pub team_id: Option<TeamId>,
    /// Labels.
    pub tags: Vec<String>,
    /// The customer's words, if given.
    pub message: Option<String>,
}

/// What a message added through a use case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageRole {
    /// An agent's public reply.
    Reply,
    /// An internal note.
    Note,
    /// The customer's words, recorded by an agent (phone, chat).
    FromCustomer,
}

/// A ticket with its conversation.
#[derive(Debug, Clone)]
pub struct TicketView {
    /// The ticket.
    pub ticket: Ticket,
    /// Its first messages, oldest first (the rest by [`App::ticket_messages`]).
    pub messages: Paged<MessageRecord>,
    /// People copied on its mail: (address, name).
    pub participants: Vec<(String, Option<String>)>,
    /// The first files on its messages (the rest by [`App::ticket_attachments`]).
    pub attachments: Paged<rapport_store::AttachmentRecord>,
    /// Mail sent (or being sent) for it, with the delivery state.
    pub mail: Vec<rapport_store::OutboxRecord>,
}

/// What a new ticket starts with. The use case decides its first events
/// here with the state machine; the store only persists the decision.
#[derive(Debug, Clone)]
pub(crate) struct NewTicket {
    /// What it is about.
    pub(crate) subject: String,
    /// Who asked.
    pub(crate) customer_id: rapport_core::CustomerId,
    /// How it came in.
    pub(crate) channel: rapport_core::Channel,
    /// How urgent.
    pub(crate) priority: rapport_core::Priority,
    /// The queue.
    pub(crate) team_id: Option<rapport_core::TeamId>,
    /// Initial tags (already normalised).
    pub(crate) tags: Vec<String>,
}

impl NewTicket {
    /// The ticket and its first events, with `first` as its first message.
    pub(crate) fn decide(
        self,
        first: Option<&NewMessage>,
        actor: Actor,
    ) -> Result<rapport_core::Opening, AppError> {
        let created = rapport_core::EventKind::Created {
            subject: self.subject,
            customer_id: self.customer_id,
            channel: self.channel,
            priority: self.priority,
            team_id: self.team_id,
            tags: self.tags,
        };
        let first = first.map(|m| (m.kind, m.author_kind));
        Ok(rapport_core::Opening::decide(
            created,
            first,
            actor,
            rapport_core::Timestamp::now(),
        )?)
    }
}

/// One page of a ticket's messages or files, and where the next begins.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    /// The items, oldest first.
    pub items: Vec<T>,
    /// The id to continue after, when there are more.
    pub next_after: Option<i64>,
}

/// The most messages one page (and the ticket view) holds.
pub const MESSAGES_PER_PAGE: i64 = 100;
/// A page of a conversation as the pages show it: the newest messages (or
/// the ones before a message, paging back), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// The messages, oldest first.
    pub messages: Vec<MessageRecord>,
    /// The oldest message shown, when earlier ones exist (the `before` of
    /// the page back).
    pub earlier: Option<MessageId>,
    /// The files of the messages shown, oldest first (for a customer, only
    /// their public messages' files).
    pub files: Vec<rapport_store::AttachmentRecord>,
    /// Whether the messages shown hold more files than one page lists
    /// ([`FILES_PER_CONVERSATION_PAGE`]; the newest messages' come first).
    pub files_cut: bool,
}

/// The most message text and HTML one page holds, in bytes: a page ends
/// early rather than pass it (it always holds at least one message), so no
/// response grows with the size of a ticket.
pub const PAGE_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The most attachments one page of the API's file list (and the ticket
/// view) holds.
pub const ATTACHMENTS_PER_PAGE: i64 = 200;
/// The most files a page of a conversation lists with its messages (one
/// mail holds at most 1,000).
pub const FILES_PER_CONVERSATION_PAGE: i64 = 2_000;

/// Cuts a page of messages at [`PAGE_BODY_BYTES`]; `fetched` holds one
/// more than `limit` when there are more.
fn message_page(fetched: Vec<MessageRecord>, limit: usize) -> Paged<MessageRecord> {
    let more = fetched.len() > limit;
    let mut items = Vec::new();
    let mut bytes = 0usize;
    let mut cut = false;
    for message in fetched.into_iter().take(limit) {
        let size = message.body_text.len() + message.body_html.as_ref().map_or(0, String::len);
        if !items.is_empty() && bytes + size > PAGE_BODY_BYTES {
            cut = true;
            break;
        }
        bytes += size;
        items.push(message);
    }
    let next_after = (more || cut)
        .then(|| items.last().map(|m: &MessageRecord| m.id.0))
        .flatten();
    Paged { items, next_after }
}

pub(crate) fn body(text: &str) -> Result<String, AppError> {
    plain_text("body", text)?;
    if text.len() > MAX_BODY_BYTES {
        return Err(AppError::invalid(
            "body",
            msg!("error.field.max_bytes", max = MAX_BODY_BYTES),
        ));
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("body", msg!("error.field.empty")));
    }
    Ok(text.to_string())
}

impl App {
    /// Opens a ticket for a customer, with their first message if given.
    pub async fn open_ticket(
        &self,
        caller: &Caller,
        open: OpenTicket,
    ) -> Result<TicketChange, AppError> {
        caller.require(Permission::Work, "open tickets")?;
        let subject = required_text("subject", &open.subject, 300)?;
        if open.tags.len() > rapport_core::machine::MAX_TAGS_PER_TICKET {
            return Err(AppError::invalid(
                "tags",
                msg!(
                    "error.code.too_many_tags",
                    max = rapport_core::machine::MAX_TAGS_PER_TICKET
                ),
            ));
        }
        let tags = open
            .tags
            .iter()
            .map(|t| {
                normalize_tag(t)
                    .map_err(|m| AppError::invalid("tags", crate::core_words::tag_words(&m)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let message = open.message.as_deref().map(body).transpose()?;
        if let Some(team) = open.team_id
            && !self.store.team_exists(team).await?
        {
            return Err(AppError::invalid(
                "team_id",
                msg!("error.tickets.no_team", team = team),
            ));
        }
        let customer_id = match open.customer {
            CustomerRef::Id(id) => {
                self.store.customer(id).await.map_err(missing_as(
                    "customer_id",
                    msg!("error.tickets.no_customer", id = id),
                ))?;
                id
            }
            CustomerRef::Email { email, name } => self.customer_for_email(&email, &name).await?,
        };
        let first = message.map(|text| NewMessage {
            entered_by: Some(caller.agent_id),
            ..NewMessage::from_customer(customer_id, text)
        });
        let new = NewTicket {
            subject,
            customer_id,
            channel: open.channel,
            priority: open.priority,
            team_id: open.team_id,
            tags,
        };
        let actor = Actor::Agent(caller.agent_id);
        let opening = new.decide(first.as_ref(), actor)?;
        self.sla_rules().await?;
        // The team is read again (and held) in the creation's transaction,
        // so a deletion meanwhile refuses the ticket rather than archive
        // the team under it.
        self.store
            .create_ticket(opening, actor, first)
            .await
            .map_err(|e| match e {
                rapport_store::StoreError::NotFound("team") => {
                    AppError::invalid("team_id", msg!("error.teams.deleted_meanwhile"))
                }
                other => other.into(),
            })
    }

    /// A ticket with its first page of messages (internal notes too) and
    /// of files: agents only (a customer reads [`App::portal_ticket`]).
    pub async fn ticket(&self, who: &Principal, id: TicketId) -> Result<TicketView, AppError> {
        who.agent(Permission::Read, "read tickets")?;
        let ticket = self.store.ticket(id).await?;
        Ok(TicketView {
            ticket,
            messages: self.messages_page(id, None, MESSAGES_PER_PAGE).await?,
            participants: self.store.participants(id).await?,
            attachments: self.files_page(id, None, ATTACHMENTS_PER_PAGE).await?,
            mail: self.store.outbox_for_ticket(id).await?,
        })
    }

    /// The newest [`MESSAGES_PER_PAGE`] messages of a ticket before the
    /// message `before` (the newest of all without it): what the ticket
    /// page and the portal show, paging back through a long conversation.
    /// An agent reads every message (with the `read` permission); a
    /// customer only their own ticket's public ones (another's is not found).
    pub async fn conversation(
        &self,
        who: &Principal,
        id: TicketId,
        before: Option<MessageId>,
    ) -> Result<Conversation, AppError> {
        let public_only = match who {
            Principal::Agent(_) => {
                who.agent(Permission::Read, "read tickets")?;
                self.store.ticket(id).await?;
                false
            }
            Principal::Customer(customer) => {
                self.own_ticket(*customer, id).await?;
                true
            }
        };
        self.conversation_page(id, before, public_only).await
    }

    /// [`App::conversation`] once the reader was checked.
    pub(crate) async fn conversation_page(
        &self,
        id: TicketId,
        before: Option<MessageId>,
        public_only: bool,
    ) -> Result<Conversation, AppError> {
        let mut messages = self
            .store
            .messages_before(id, before, MESSAGES_PER_PAGE + 1, public_only)
            .await?;
        let more = messages.len() > MESSAGES_PER_PAGE as usize;
        if more {
            messages.remove(0);
        }
        let earlier = more.then(|| messages.first().map(|m| m.id)).flatten();
        let (mut files, mut files_cut) = (Vec::new(), false);
        if let (Some(first), Some(last)) = (messages.first(), messages.last()) {
            files = self
                .store
                .attachments_of_messages(
                    id,
                    (first.id, last.id),
                    FILES_PER_CONVERSATION_PAGE + 1,
                    public_only,
                )
                .await?;
            // Counted once internal notes' files were left out, so a
            // customer's files never give way to files they cannot see.
            if files.len() > FILES_PER_CONVERSATION_PAGE as usize {
                files_cut = true;
                files.remove(0);
            }
        }
        Ok(Conversation {
            messages,
            earlier,
            files,
            files_cut,
        })
    }

    /// A page of a ticket's messages after the message `after`, internal
    /// notes too: agents only.
    pub async fn ticket_messages(
        &self,
        who: &Principal,
        id: TicketId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Paged<MessageRecord>, AppError> {
        who.agent(Permission::Read, "read tickets")?;
        self.store.ticket(id).await?;
        self.messages_page(id, after, limit.clamp(1, MESSAGES_PER_PAGE))
            .await
    }

    /// A page of a ticket's attachments after the attachment `after`, the
    /// notes' too: agents only.
    pub async fn ticket_attachments(
        &self,
        who: &Principal,
        id: TicketId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Paged<rapport_store::AttachmentRecord>, AppError> {
        who.agent(Permission::Read, "read tickets")?;
        self.store.ticket(id).await?;
        self.files_page(id, after, limit.clamp(1, ATTACHMENTS_PER_PAGE))
            .await
    }

    async fn messages_page(
        &self,
        id: TicketId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Paged<MessageRecord>, AppError> {
        let fetched = self
            .store
            .messages_after(id, after.map(rapport_core::MessageId), limit + 1)
            .await?;
        Ok(message_page(fetched, limit as usize))
    }

    async fn files_page(
        &self,
        id: TicketId,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Paged<rapport_store::AttachmentRecord>, AppError> {
        let mut items = self
            .store
            .attachments_of_ticket(id, after, limit + 1)
            .await?;
        let more = items.len() > limit as usize;
        items.truncate(limit as usize);
        let next_after = more.then(|| items.last().map(|a| a.id)).flatten();
        Ok(Paged { items, next_after })
    }

    /// Lists tickets by any filter: agents only (a customer lists their
    /// own with [`App::portal_tickets`]).
    pub async fn tickets(
        &self,
        who: &Principal,
        filter: &TicketFilter,
    ) -> Result<Vec<Ticket>, AppError> {
        who.agent(Permission::Read, "list tickets")?;
        Ok(self.store.list_tickets(filter).await?)
    }

    /// Lists tickets, each with the earliest due time of its running
    /// response-target clocks (for due-soon and breached views): agents only.
    pub async fn tickets_with_due(
        &self,
        who: &Principal,
        filter: &TicketFilter,
    ) -> Result<Vec<(Ticket, Option<Timestamp>)>, AppError> {
        who.agent(Permission::Read, "list tickets")?;
        Ok(self.store.list_tickets_due(filter).await?)
    }

    /// A ticket's response-target clocks now: agents only.
    pub async fn ticket_clocks(
        &self,
        who: &Principal,
        id: TicketId,
    ) -> Result<crate::sla::TicketClocks, AppError> {
        who.agent(Permission::Read, "read tickets")?;
        let ticket = self.store.ticket(id).await?;
        self.clocks_of(&ticket).await
    }

    /// A ticket's event log (notes and transfers included): agents only.
    pub async fn ticket_events(
        &self,
        who: &Principal,
        id: TicketId,
        after: Option<EventId>,
        limit: i64,
    ) -> Result<Vec<Event>, AppError> {
        who.agent(Permission::Read, "read tickets")?;
        self.store.ticket(id).await?;
        Ok(self.store.events(id, after, limit).await?)
    }

    /// Adds a reply, note or recorded customer message, with the caller's
    /// uploads attached. A reply passes the reply coach first: a blocking
    /// finding refuses it unless `override_reason` says why it goes out anyway
    /// (recorded as an event). A reply to a customer with an e-mail address is
    /// queued as mail in the same transaction, so it is sent exactly when it is stored.
    /// A customer's words (a phone call) may be logged only by the ticket's
    /// owner (anyone on an unowned ticket) or a lead, and are stored as
    /// entered by that agent, who is also the actor of the events.
    pub async fn add_message(
        &self,
        caller: &Caller,
        id: TicketId,
        role: MessageRole,
        text: &str,
        override_reason: Option<&str>,
        attachment_ids: &[i64],
    ) -> Result<TicketChange, AppError> {
        self.add_message_with(
            caller,
            id,
            role,
            text,
            override_reason,
            attachment_ids,
            &PromiseDecisions::default(),
        )
        .await
    }

    /// [`Self::add_message`] with the sender's decisions on the promises the
    /// coach finds in a reply (confirm, re-time, drop) and the open promises
    /// it fulfils; the promises are recorded in the reply's transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_message_with(
        &self,
        caller: &Caller,
        id: TicketId,
        role: MessageRole,
        text: &str,
        override_reason: Option<&str>,
        attachment_ids: &[i64],
        decisions: &PromiseDecisions,
    ) -> Result<TicketChange, AppError> {
        self.add_message_checked(
            caller,
            id,
            role,
            text,
            override_reason,
            attachment_ids,
            decisions,
            None,
        )
        .await
    }

    /// [`Self::add_message_with`] from a sender who names the newest message
    /// they had seen (`based_on`): when someone else wrote on the ticket
    /// since, nothing is stored and [`AppError::Collided`] lists what is new.
    /// Sending the same text again based on the newest message sends it
    /// anyway. A reply also deletes the sender's saved draft.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_message_checked(
        &self,
        caller: &Caller,
        id: TicketId,
        role: MessageRole,
        text: &str,
        override_reason: Option<&str>,
        attachment_ids: &[i64],
        decisions: &PromiseDecisions,
        based_on: Option<crate::presence::Seen>,
    ) -> Result<TicketChange, AppError> {
        self.store_message(
            caller,
            id,
            role,
            text,
            override_reason,
            attachment_ids,
            decisions,
            based_on,
            None,
        )
        .await
    }

    /// Stores a message; with `held`, a held reply's claim `(id, lease)`
    /// that is marked released in the same transaction (nothing is stored
    /// when the claim was lost).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn store_message(
        &self,
        caller: &Caller,
        id: TicketId,
        role: MessageRole,
        text: &str,
        override_reason: Option<&str>,
        attachment_ids: &[i64],
        decisions: &PromiseDecisions,
        based_on: Option<crate::presence::Seen>,
        held: Option<(i64, Timestamp)>,
    ) -> Result<TicketChange, AppError> {
        caller.require(Permission::Work, "add messages")?;
        let text = body(text)?;
        if let Some(seen) = based_on {
            // Before who may send is checked: the colleague who answered
            // first may own the ticket now, and what they wrote is the news.
            self.newer_records(caller, id, seen).await?.check()?;
        }
        let files = self.own_uploads(caller, attachment_ids).await?;
        if role != MessageRole::Reply
            && (!decisions.choices.is_empty() || !decisions.fulfils.is_empty())
        {
            return Err(AppError::invalid(
                "promises",
                msg!("error.tickets.promises_in_reply"),
            ));
        }
        let (overridden, found, outgoing, promises) = match role {
            MessageRole::Reply => {
                let (gate, outgoing) = self
                    .prepare_reply(caller, id, &text, override_reason, &files)
                    .await?;
                let chosen = crate::promises::choose(&gate.promises, decisions, Timestamp::now())?;
                (gate.overridden, gate.found, outgoing, chosen)
            }
            _ => (None, Vec::new(), None, Vec::new()),
        };
        // A note's @mentions, told in its transaction.
        let mut mentions = crate::mentions::Mentions::default();
        if role == MessageRole::Note && text.contains('@') {
            let agents = self.store.agents().await?;
            mentions = crate::mentions::Mentions::of_note(&text, &agents, caller.agent_id);
        }
        let message = self.new_message(caller, id, role, text).await?;
        let (kind, author_kind) = (message.kind, message.author_kind);
        let actor = Actor::Agent(caller.agent_id);
        let worker = caller.clone();
        let rules = self.sla_rules().await?;
        let mut tx = self.store.begin_write().await?;
        if let Some(seen) = based_on {
            crate::presence::newer_by_others(&mut tx, caller, id, seen)
                .await?
                .check()?;
        }
        // A held reply's draft was emptied when it was sent; what the
        // agent wrote since is another reply.
        if role == MessageRole::Reply && held.is_none() {
            tx.delete_draft(id, caller.agent_id).await?;
        }
        let mut change = tx
            .change_ticket(id, actor, Some(message), move |ticket, message_id| {
                may_add(&worker, ticket, role)?;
                let mut events = message_events(ticket, message_id, kind, author_kind, actor)?;
                if let Some(message_id) = message_id {
                    if !found.is_empty() {
                        events.push(rapport_core::EventKind::CoachFound {
                            message_id,
                            checks: found,
                        });
                    }
                    if let Some((checks, reason)) = overridden {
                        events.push(rapport_core::EventKind::CoachOverridden {
                            message_id,
                            checks,
                            reason,
                        });
                    }
                }
                Ok::<_, AppError>(events)
            })
            .await?;
        crate::teams::reroute_reopened(&mut tx, &mut change).await?;
        if !mentions.told.is_empty() {
            tx.notify(&mentions.notifications(id, &change.ticket.subject))
                .await?;
        }
        let stored = change
            .message
            .as_ref()
            .map(|m| m.id)
            .ok_or_else(|| AppError::Internal("message not stored".into()))?;
        if role == MessageRole::Reply {
            self.record_promises(
                &mut tx,
                &rules,
                &change.ticket,
                stored,
                caller,
                crate::promises::ReplyPromises {
                    made: promises,
                    fulfils: &decisions.fulfils,
                },
            )
            .await?;
        }
        if let Some(mut mail) = outgoing {
            mail.message_ref = Some(stored);
            tx.enqueue_mail(&mail).await?;
            tx.link_sent(&mail.message_id, id, Some(stored));
        }
        attach(&mut tx, caller, id, stored, attachment_ids).await?;
        if let Some((held, claim)) = held
            && !tx.release_held(held, stored, claim).await?
        {
            return Err(AppError::Conflict(msg!("error.tickets.released")));
        }
        tx.commit().await?;
        Ok(change)
    }

    /// Before a reply's transaction: checks the caller may reply, passes the
    /// draft through the coach, and composes its mail (if any is sent).
    async fn prepare_reply(
        &self,
        caller: &Caller,
        id: TicketId,
        text: &str,
        override_reason: Option<&str>,
        files: &[rapport_store::AttachmentRecord],
    ) -> Result<(crate::coaching::Gate, Option<NewOutboxMail>), AppError> {
        // Who may reply is settled before the coach reads the draft.
        let ticket = self.store.ticket(id).await?;
        may_add(caller, &ticket, MessageRole::Reply)?;
        let (customer, agent) = tokio::try_join!(
            self.store.customer(ticket.customer_id),
            self.store.agent(caller.agent_id),
        )?;
        let gate = self
            .gate_reply(&ticket, customer.name.clone(), text, override_reason)
            .await?;
        let mut attachments = Vec::with_capacity(files.len());
        for file in files {
            attachments.push(rapport_mail::OutgoingAttachment {
                name: file.file.file_name.clone(),
                content_type: file.file.content_type.clone(),
                data: self
                    .blobs()
                    .get(&file.file.sha256)
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            });
        }
        let outgoing = self
            .reply_mail(&ticket, &customer, &agent.name, text, attachments)
            .await?;
        Ok((gate, outgoing))
    }

    /// The message to store: an agent's reply or note, or a customer's words
    /// entered by the caller (checked against the ticket's owner first).
    async fn new_message(
        &self,
        caller: &Caller,
        id: TicketId,
        role: MessageRole,
        text: String,
    ) -> Result<NewMessage, AppError> {
        let (kind, author_kind, author_id, entered_by) = match role {
            MessageRole::Reply | MessageRole::Note => {
                let kind = if role == MessageRole::Reply {
                    MessageKind::Public
                } else {
                    MessageKind::Internal
                };
                (kind, AuthorKind::Agent, caller.agent_id.0, None)
            }
            MessageRole::FromCustomer => {
                let ticket = self.store.ticket(id).await?;
                may_add(caller, &ticket, role)?;
                (
                    MessageKind::Public,
                    AuthorKind::Customer,
                    ticket.customer_id.0,
                    Some(caller.agent_id),
                )
            }
        };
        Ok(NewMessage {
            kind,
            author_kind,
            author_id: Some(author_id),
            entered_by,
            body_text: text,
            body_html: None,
        })
    }

    /// Runs a command on a ticket after checking the caller may give it.
    pub async fn command(
        &self,
        caller: &Caller,
        id: TicketId,
        command: Command,
    ) -> Result<TicketChange, AppError> {
        caller.require(Permission::Work, "change tickets")?;
        match &command {
            Command::Transfer { note, .. } => plain_text("note", note)?,
            Command::CloseAsSpam { reason } | Command::CloseAsDuplicate { reason, .. } => {
                plain_text("reason", reason)?
            }
            _ => {}
        }
        self.check_references(id, &command).await?;
        let caller = caller.clone();
        let actor = Actor::Agent(caller.agent_id);
        let rules = self.sla_rules().await?;
        let mut tx = self.store.begin_write().await?;
        // The team a ticket moves into is held first, so a deletion of that
        // team waits for this change (and this one for it).
        if let Command::Transfer {
            to_team: Some(team),
            ..
        }
        | Command::Assign {
            team: Some(team), ..
        } = &command
        {
            crate::teams::lock_receiving_team(&mut tx, *team).await?;
        }
        let mut change = tx
            .change_ticket(id, actor, None, move |ticket, _| {
                authorize(&caller, ticket, &command)?;
                Ok::<_, AppError>(rapport_core::decide(ticket, &command, actor)?)
            })
            .await?;
        crate::teams::reroute_reopened(&mut tx, &mut change).await?;
        // Solving a ticket keeps the promises made on it.
        if change.ticket.status == Status::Solved
            && change
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::StatusChanged { .. }))
        {
            self.keep_promises_of(&mut tx, id, actor).await?;
            self.schedule_survey(&mut tx, &rules, &change.ticket, Timestamp::now())
                .await?;
        }
        tx.commit().await?;
        Ok(change)
    }

    /// Checks that the agents and tickets a command names exist.
    async fn check_references(&self, id: TicketId, command: &Command) -> Result<(), AppError> {
        let agent = match command {
            Command::Assign { agent, .. } => Some(*agent),
            Command::Transfer { to_agent, .. } => *to_agent,
            Command::CloseAsDuplicate { of, .. } => {
                let survivor = self
                    .store
                    .ticket(*of)
                    .await
                    .map_err(missing_as("of", msg!("error.tickets.no_ticket", id = of)))?;
                if matches!(survivor.closure, Some(Closure::Duplicate { .. })) {
                    return Err(AppError::invalid(
                        "of",
                        msg!("error.tickets.duplicate_chain", id = of),
                    ));
                }
                if survivor.id == id {
                    return Err(AppError::Refused(
                        rapport_core::TicketError::DuplicateOfItself,
                    ));
                }
                None
            }
            _ => None,
        };
        if let Some(agent) = agent {
            let record = self.store.agent(agent).await.map_err(missing_as(
                "agent_id",
                msg!("error.agents.no_agent", id = agent),
            ))?;
            if !record.active {
                return Err(AppError::invalid(
                    "agent_id",
                    msg!("error.agents.inactive", id = agent),
                ));
            }
        }
        // The team is checked (and held) in the change's transaction:
        // `teams::lock_receiving_team`.
        Ok(())
    }
}

/// Attaches the caller's uploads to a stored message, in its transaction.
async fn attach(
    tx: &mut rapport_store::WriteTx,
    caller: &Caller,
    ticket: TicketId,
    message: MessageId,
    attachment_ids: &[i64],
) -> Result<(), AppError> {
    if attachment_ids.is_empty() {
        return Ok(());
    }
    tx.attach_uploads(caller.agent_id, ticket, message, attachment_ids)
        .await
        .map_err(|e| match e {
            rapport_store::StoreError::NotFound(_) => {
                AppError::invalid("attachment_ids", msg!("error.uploads.sent_meanwhile"))
            }
            other => other.into(),
        })
}

/// Whether the caller may add this kind of message to the ticket: anyone a
/// note; a reply or a customer's words only the owner, anyone on an unowned
/// ticket, or a lead (so no agent reopens another's solved ticket as if the
/// customer had written).
pub(crate) fn may_add(caller: &Caller, ticket: &Ticket, role: MessageRole) -> Result<(), AppError> {
    match role {
        MessageRole::Reply => may_work_on(caller, ticket, "reply to a ticket another agent owns"),
        MessageRole::FromCustomer => may_work_on(
            caller,
            ticket,
            "log a customer's words on a ticket another agent owns",
        ),
        MessageRole::Note => Ok(()),
    }
}

/// The events of adding a stored message to a ticket, as the state machine decides them.
pub(crate) fn message_events(
    ticket: &Ticket,
    message_id: Option<MessageId>,
    kind: MessageKind,
    author: AuthorKind,
    actor: Actor,
) -> Result<Vec<EventKind>, AppError> {
    let message_id = message_id.ok_or_else(|| AppError::Internal("message not stored".into()))?;
    Ok(rapport_core::decide(
        ticket,
        &Command::AddMessage {
            message_id,
            kind,
            author,
        },
        actor,
    )?)
}

/// Whether the caller may act on this ticket as its worker: its owner, anyone
/// on an unowned ticket, or a lead.
fn may_work_on(caller: &Caller, ticket: &Ticket, action: &str) -> Result<(), AppError> {
    let owns = ticket.owner_id.is_none_or(|o| o == caller.agent_id);
    if owns || caller.role.allows(Permission::DispatchAnyTicket) {
        Ok(())
    } else {
        Err(AppError::Forbidden(msg!(
            "error.auth.role_cannot",
            role = "an agent",
            action = action
        )))
    }
}

fn authorize(caller: &Caller, ticket: &Ticket, command: &Command) -> Result<(), AppError> {
    match command {
        Command::Assign { agent, .. } => {
            if *agent != caller.agent_id {
                caller.require(
                    Permission::DispatchAnyTicket,
                    "assign tickets to someone else",
                )?;
            }
            Ok(())
        }
        Command::Transfer { .. } => {
            may_work_on(caller, ticket, "transfer a ticket another agent owns")
        }
        Command::ChangeStatus { .. } | Command::SetPriority { .. } => {
            let owner = ticket.owner_id == Some(caller.agent_id);
            if owner {
                Ok(())
            } else {
                caller.require(
                    Permission::DispatchAnyTicket,
                    "change a ticket they do not own",
                )
            }
        }
        Command::Tag { .. } | Command::AddMessage { .. } => Ok(()),
        Command::CloseAsSpam { .. } | Command::CloseAsDuplicate { .. } => caller.require(
            Permission::CloseAsSpamOrDuplicate,
            "close tickets as spam or duplicates",
        ),
        // Ratings come from the customer, recovery and review events from
        // their own use cases (`feedback`), never from an agent's command.
        Command::RateSatisfaction { .. }
        | Command::OpenRecovery { .. }
        | Command::FollowUpRecovery { .. }
        | Command::RecordReview { .. } => {
            Err(AppError::Forbidden(msg!("error.tickets.own_endpoints")))
        }
    }
}

/// Parses a status filter list like `open,pending`.
pub fn parse_statuses(text: &str) -> Result<Vec<Status>, AppError> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim().parse::<Status>().map_err(|_| {
                AppError::invalid(
                    "status",
                    msg!("error.tickets.bad_status", status = format!("{s:?}")),
                )
            })
        })
        .collect()
}

/// An agent's id as given in a filter: a number or `none` for unowned.
pub fn parse_owner(text: &str) -> Result<Option<AgentId>, AppError> {
    match text {
        "none" => Ok(None),
        n => n
            .parse()
            .map(|n| Some(AgentId(n)))
            .map_err(|_| AppError::invalid("owner", msg!("error.tickets.bad_owner"))),
    }
}
