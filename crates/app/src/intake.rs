//! Mail intake: every inbound message ends in the right ticket, in a note on
//! the ticket it bounced from, as an ignored automatic message, or in
//! quarantine with the reason; nothing is lost and nothing is taken twice.
//!
//! Order: the raw bytes are stored first (keyed by their hash, so the same
//! delivery twice creates nothing), then parsed, then threaded: (1) a
//! Message-ID Rapport knows in In-Reply-To/References, (2) a `[#1234]`
//! subject token, (3) otherwise a new ticket. A match from an address that is
//! not the ticket's customer, or onto a closed ticket, becomes a new ticket
//! linked to the old one, never a silent merge.

use crate::{App, AppError, Caller};
use rapport_core::{
    Actor, AuthorKind, Channel, Command, IdentityKind, MessageKind, Permission, Priority, Status,
    TicketId, normalize_identity,
};
use rapport_mail::{ParsedMail, parse, subject_token};
use rapport_store::{InboundRecord, NewMessage, NewTicket};

/// What became of one inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new ticket was opened.
    Created(TicketId),
    /// The message was added to an existing ticket.
    Appended(TicketId),
    /// A new ticket, linked to an earlier one it could not join (closed, or another sender).
    Linked {
        /// The new ticket.
        ticket: TicketId,
        /// The ticket the message pointed at.
        previous: TicketId,
    },
    /// The same bytes arrived before.
    Duplicate(Option<TicketId>),
    /// A delivery report, noted on the ticket of the message that bounced.
    Bounce(Option<TicketId>),
    /// Recorded but not a request (automatic or list mail that threads nowhere).
    Ignored(String),
    /// Could not be processed; kept with the reason for an admin.
    Quarantined(String),
}

impl App {
    /// Takes in one raw message.
    pub async fn ingest_mail(&self, raw: &[u8]) -> Result<IngestOutcome, AppError> {
        if raw.len() > rapport_mail::MAX_MESSAGE_BYTES {
            return Err(AppError::invalid(
                "message",
                format!(
                    "has {} bytes; at most {} are accepted",
                    raw.len(),
                    rapport_mail::MAX_MESSAGE_BYTES
                ),
            ));
        }
        let hash = rapport_mail::content_hash(raw);
        let (record, new) = self.store().store_raw_mail(&hash, raw).await?;
        if !new && record.status != "received" {
            return Ok(IngestOutcome::Duplicate(record.ticket_id));
        }
        let mail = match parse(raw) {
            Ok(mail) => mail,
            Err(e) => return self.quarantine(&record, None, &e.to_string()).await,
        };
        match self.route(&mail).await {
            Ok((outcome, ticket)) => {
                let (status, reason) = match &outcome {
                    IngestOutcome::Ignored(reason) => ("ignored", Some(reason.as_str())),
                    _ => ("processed", None),
                };
                self.store()
                    .finish_inbound(record.id, Some(&mail.message_id), status, reason, ticket)
                    .await?;
                Ok(outcome)
            }
            Err(AppError::Store(e)) => Err(AppError::Store(e)),
            Err(e) => {
                self.quarantine(&record, Some(&mail.message_id), &e.to_string())
                    .await
            }
        }
    }

    async fn quarantine(
        &self,
        record: &InboundRecord,
        message_id: Option<&str>,
        reason: &str,
    ) -> Result<IngestOutcome, AppError> {
        tracing::warn!(inbound = record.id, reason, "mail quarantined");
        self.store()
            .finish_inbound(record.id, message_id, "quarantined", Some(reason), None)
            .await?;
        Ok(IngestOutcome::Quarantined(reason.to_string()))
    }

    async fn route(
        &self,
        mail: &ParsedMail,
    ) -> Result<(IngestOutcome, Option<TicketId>), AppError> {
        let store = self.store();
        if let Some(bounce) = &mail.bounce {
            let keys: Vec<String> = bounce.original_message_id.iter().cloned().collect();
            let ticket = store.ticket_for_message_ids(&keys).await?;
            if let Some(ticket) = ticket {
                let note = format!(
                    "Delivery failed ({}) for: {}. Subject: {}",
                    if bounce.permanent {
                        "permanent"
                    } else {
                        "temporary"
                    },
                    if bounce.recipients.is_empty() {
                        "unknown recipient".to_string()
                    } else {
                        bounce.recipients.join(", ")
                    },
                    mail.subject
                );
                self.system_note(ticket, &note).await?;
            }
            return Ok((IngestOutcome::Bounce(ticket), ticket));
        }
        let from = mail
            .reply_to
            .as_ref()
            .or(mail.from.as_ref())
            .ok_or_else(|| AppError::invalid("from", "the message has no sender address"))?;
        let sender = normalize_identity(IdentityKind::Email, &from.address)
            .map_err(|m| AppError::invalid("from", m))?;
        let matched = match store.ticket_for_message_ids(&mail.thread_keys()).await? {
            Some(t) => Some(t),
            None => match subject_token(&mail.subject) {
                Some(n) => store.ticket(TicketId(n)).await.ok().map(|t| t.id),
                None => None,
            },
        };
        if mail.auto_reply.is_some() && matched.is_none() {
            return Ok((
                IngestOutcome::Ignored(mail.auto_reply.clone().unwrap_or_default()),
                None,
            ));
        }
        let text = {
            let visible = mail.visible_text();
            if visible.is_empty() {
                mail.text.trim().to_string()
            } else {
                visible
            }
        };
        let text = if text.is_empty() {
            "(no text)".to_string()
        } else {
            text.chars().take(200_000).collect()
        };
        if let Some(ticket_id) = matched {
            let ticket = store.ticket(ticket_id).await?;
            let sender_id = store
                .customer_by_identity(IdentityKind::Email, &sender)
                .await?;
            let same_sender = sender_id == Some(ticket.customer_id);
            if same_sender && ticket.status != Status::Closed {
                if mail.auto_reply.is_some() {
                    self.system_note(
                        ticket_id,
                        &format!(
                            "Automatic reply received ({}): {text}",
                            mail.auto_reply.clone().unwrap_or_default()
                        ),
                    )
                    .await?;
                } else {
                    let message = NewMessage {
                        kind: MessageKind::Public,
                        author_kind: AuthorKind::Customer,
                        author_id: Some(ticket.customer_id.0),
                        body_text: text,
                        body_html: None,
                    };
                    let actor = Actor::Customer(ticket.customer_id);
                    store
                        .change_ticket(ticket_id, actor, Some(message), |t, id| {
                            let message_id =
                                id.ok_or_else(|| AppError::Internal("message not stored".into()))?;
                            Ok::<_, AppError>(rapport_core::decide(
                                t,
                                &Command::AddMessage {
                                    message_id,
                                    kind: MessageKind::Public,
                                    author: AuthorKind::Customer,
                                },
                                actor,
                            )?)
                        })
                        .await?;
                }
                store.link_message_id(&mail.message_id, ticket_id).await?;
                return Ok((IngestOutcome::Appended(ticket_id), Some(ticket_id)));
            }
            let why = if same_sender {
                "the earlier ticket is closed"
            } else {
                "the sender is not the earlier ticket's customer"
            };
            let new = self
                .open_from_mail(mail, &from.name, &sender, text, vec!["needs-review".into()])
                .await?;
            self.system_note(new, &format!("This message points to ticket #{ticket_id}, but {why}; opened as a new ticket for review.")).await?;
            return Ok((
                IngestOutcome::Linked {
                    ticket: new,
                    previous: ticket_id,
                },
                Some(new),
            ));
        }
        let new = self
            .open_from_mail(mail, &from.name, &sender, text, Vec::new())
            .await?;
        Ok((IngestOutcome::Created(new), Some(new)))
    }

    async fn open_from_mail(
        &self,
        mail: &ParsedMail,
        name: &Option<String>,
        sender: &str,
        text: String,
        tags: Vec<String>,
    ) -> Result<TicketId, AppError> {
        let customer_id = self
            .customer_for_email(sender, name.as_deref().unwrap_or(""))
            .await?;
        let subject: String = if mail.subject.is_empty() {
            "(no subject)".into()
        } else {
            mail.subject.chars().take(300).collect()
        };
        let new = NewTicket {
            subject,
            customer_id,
            channel: Channel::Email,
            priority: Priority::Normal,
            team_id: None,
            tags,
        };
        let first = NewMessage {
            kind: MessageKind::Public,
            author_kind: AuthorKind::Customer,
            author_id: Some(customer_id.0),
            body_text: text,
            body_html: None,
        };
        let change = self
            .store()
            .create_ticket(new, Actor::Customer(customer_id), Some(first))
            .await?;
        self.store()
            .link_message_id(&mail.message_id, change.ticket.id)
            .await?;
        Ok(change.ticket.id)
    }

    async fn system_note(&self, ticket: TicketId, text: &str) -> Result<(), AppError> {
        let note = NewMessage {
            kind: MessageKind::Internal,
            author_kind: AuthorKind::System,
            author_id: None,
            body_text: text.to_string(),
            body_html: None,
        };
        self.store()
            .change_ticket(ticket, Actor::System, Some(note), |t, id| {
                let message_id = id.ok_or_else(|| AppError::Internal("note not stored".into()))?;
                Ok::<_, AppError>(rapport_core::decide(
                    t,
                    &Command::AddMessage {
                        message_id,
                        kind: MessageKind::Internal,
                        author: AuthorKind::System,
                    },
                    Actor::System,
                )?)
            })
            .await?;
        Ok(())
    }

    /// Quarantined inbound mail, newest first (admins).
    pub async fn quarantine_list(
        &self,
        caller: &Caller,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<InboundRecord>, AppError> {
        caller.require(Permission::ManageAgents, "see quarantined mail")?;
        Ok(self
            .store()
            .inbound_by_status("quarantined", before, limit)
            .await?)
    }
}
