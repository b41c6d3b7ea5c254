//! Where one inbound message goes: a duplicate of one already taken in, its
//! ticket by a known Message-ID, the signed reply address or the subject tag,
//! or a new ticket (acknowledged, or linked for review when the sender may not
//! join the ticket it points at).

use super::{Batch, IngestOutcome, Prepared, Sender, storable};
use crate::customers::name_or_local_part;
use crate::outbound::{is_own_address, never_acknowledge};
use crate::tickets::NewTicket;
use crate::tickets::message_events;
use crate::{App, AppError};
use rapport_core::{
    Actor, AuthorKind, Channel, CustomerId, IdentityKind, MessageId, MessageKind, Priority, Status,
    Ticket, TicketId, Timestamp, normalize_identity,
};
use rapport_mail::{ParsedMail, Person, ReplyToken, find_reply_token};
use rapport_store::{NewMessage, WriteTx};

impl App {
    pub(super) async fn route(
        &self,
        tx: &mut WriteTx,
        mail: &ParsedMail,
        item: &Prepared,
        batch: &Batch,
    ) -> Result<IngestOutcome, AppError> {
        if let Some(bounce) = &mail.bounce {
            return self.bounce(tx, mail, bounce).await;
        }
        let from = mail
            .reply_to
            .as_ref()
            .or(mail.from.as_ref())
            .ok_or_else(|| AppError::invalid("from", msg!("error.intake.no_sender")))?;
        // Our own address first: it may be one the customer rules refuse
        // (support@localhost), and our own mail is never quarantined.
        let written = from.address.trim().to_lowercase();
        if is_own_address(&self.config().mail.address, &written) {
            return Ok(IngestOutcome::Ignored(
                "sent from this help desk's own address".into(),
            ));
        }
        let sender = normalize_identity(IdentityKind::Email, &from.address)
            .map_err(|m| AppError::invalid("from", crate::core_words::identity_words(&m)))?;
        if is_own_address(&self.config().mail.address, &sender) {
            return Ok(IngestOutcome::Ignored(
                "sent from this help desk's own address".into(),
            ));
        }
        // A mail system's own message that is not a delivery report (a
        // warning, a digest): nobody to answer, never a ticket.
        if is_mail_system(&sender) {
            return Ok(IngestOutcome::Ignored(
                "sent by a mail system (MAILER-DAEMON, postmaster) and not a delivery report"
                    .into(),
            ));
        }
        // One look-up for the message's own Message-ID and its thread keys.
        let known = tx.known_message_ids(&mail.own_and_thread_ids()).await?;
        if let Some(own) = known.iter().find(|k| k.message_id == mail.message_id) {
            // Our own mail coming back, or the same message by another way
            // in (another mailbox, a copy with other Received headers). A
            // different message that reuses the Message-ID is taken in.
            if own.outbound {
                return Ok(IngestOutcome::Ignored(format!(
                    "a copy of mail this help desk sent for ticket #{}",
                    own.ticket
                )));
            }
            if own.fingerprint.as_deref() == Some(mail.fingerprint.as_str()) {
                return Ok(IngestOutcome::Duplicate(Some(own.ticket)));
            }
        }
        let threaded = known
            .iter()
            .find(|k| k.message_id != mail.message_id)
            .map(|k| k.ticket);
        let matched = self.thread(tx, mail, batch, threaded).await?;
        if matched.is_none()
            && let Some(why) = &mail.auto_reply
        {
            return Ok(IngestOutcome::Ignored(why.clone()));
        }
        let sender = Sender {
            known: tx.sender(&sender).await?,
            person: from,
            address: sender,
        };
        let Some(ticket) = matched else {
            return self
                .open_from_mail(tx, mail, item, batch, &sender, Vec::new(), None)
                .await;
        };
        let is_customer = sender.known.map(|k| k.0) == Some(ticket.customer_id);
        let is_participant = !is_customer && tx.is_participant(ticket.id, &sender.address).await?;
        if (is_customer || is_participant) && ticket.status != Status::Closed {
            return self.append_mail(tx, mail, item, &ticket, &sender).await;
        }
        if let Some(why) = &mail.auto_reply {
            return Ok(IngestOutcome::Ignored(why.clone()));
        }
        let why = if is_customer || is_participant {
            "the earlier ticket is closed"
        } else {
            "the sender is neither the earlier ticket's customer nor copied on it"
        };
        self.open_from_mail(
            tx,
            mail,
            item,
            batch,
            &sender,
            vec!["needs-review".into()],
            Some((ticket.id, why)),
        )
        .await
    }

    /// The ticket a message belongs to: (1) the ticket of a known Message-ID
    /// in its thread keys (`threaded`, already looked up), (2) the signed
    /// reply address, then the subject tag.
    async fn thread(
        &self,
        tx: &mut WriteTx,
        mail: &ParsedMail,
        batch: &Batch,
        threaded: Option<TicketId>,
    ) -> Result<Option<Ticket>, AppError> {
        if let Some(id) = threaded {
            return Ok(tx.ticket_locked(id).await?);
        }
        let settings = &self.config().mail;
        let token = match find_reply_token(mail.recipients(), &settings.address, &batch.secret) {
            Some(ReplyToken::Valid(n)) => Some(n),
            Some(ReplyToken::Forged(n)) => {
                tracing::warn!(ticket = n, "a reply address with a wrong signature");
                None
            }
            None => None,
        };
        for number in token
            .into_iter()
            .chain(settings.subject_tag.find(&mail.subject))
        {
            if let Some(ticket) = tx.ticket_locked(TicketId(number)).await? {
                return Ok(Some(ticket));
            }
        }
        Ok(None)
    }

    async fn append_mail(
        &self,
        tx: &mut WriteTx,
        mail: &ParsedMail,
        item: &Prepared,
        ticket: &Ticket,
        sender: &Sender<'_>,
    ) -> Result<IngestOutcome, AppError> {
        let text = &mail.body;
        if let Some(why) = &mail.auto_reply {
            self.note_in(
                tx,
                ticket.id,
                &crate::system_notes::auto_reply_note(why, text),
            )
            .await?;
            tx.link_received(&mail.message_id, &mail.fingerprint, ticket.id, None);
            return Ok(IngestOutcome::Appended(ticket.id));
        }
        let author = self.author(tx, sender).await?;
        note_mail_language(tx, author, mail).await?;
        let message = NewMessage {
            body_html: mail.html.clone(),
            ..NewMessage::from_customer(author, text.clone())
        };
        let actor = Actor::Customer(author);
        let mut change = tx
            .change_locked(ticket.clone(), actor, Some(message), |t, id| {
                message_events(t, id, MessageKind::Public, AuthorKind::Customer, actor)
            })
            .await?;
        crate::teams::reroute_reopened(tx, &mut change).await?;
        crate::portal_reply::tell_owner_if_reopened(tx, &change).await?;
        let message = change.message.map(|m| m.id);
        tx.link_received(&mail.message_id, &mail.fingerprint, ticket.id, message);
        self.keep_participants(tx, ticket.id, ticket.customer_id, mail, &sender.address)
            .await?;
        self.keep_files(tx, ticket.id, message, item, mail).await?;
        Ok(IngestOutcome::Appended(ticket.id))
    }

    /// The sender's customer record, made if new; a bouncing mark is cleared,
    /// since the address just proved it works.
    async fn author(&self, tx: &mut WriteTx, sender: &Sender<'_>) -> Result<CustomerId, AppError> {
        match sender.known {
            Some((customer, bouncing)) => {
                if bouncing {
                    tx.clear_bouncing(&sender.address).await?;
                }
                Ok(customer)
            }
            None => Ok(tx
                .create_customer(
                    &customer_name(sender.person, &sender.address),
                    &sender.address,
                )
                .await?),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn open_from_mail(
        &self,
        tx: &mut WriteTx,
        mail: &ParsedMail,
        item: &Prepared,
        batch: &Batch,
        sender: &Sender<'_>,
        tags: Vec<String>,
        previous: Option<(TicketId, &str)>,
    ) -> Result<IngestOutcome, AppError> {
        if let Some((customer, _)) = sender.known
            && !batch.released
        {
            let limit = self.config().mail.new_tickets_per_hour;
            let hour_ago = Timestamp::now().plus_seconds(-3600);
            if tx.tickets_opened_since(customer, hour_ago).await? >= limit {
                return Err(AppError::TooManyAttempts(msg!(
                    "error.intake.loop_guard",
                    sender = sender.address,
                    limit = limit
                )));
            }
        }
        let customer_id = self.author(tx, sender).await?;
        note_mail_language(tx, customer_id, mail).await?;
        let subject: String = if mail.subject.is_empty() {
            "(no subject)".into()
        } else {
            storable(&mail.subject.chars().take(300).collect::<String>())
        };
        let new = NewTicket {
            subject: subject.clone(),
            customer_id,
            channel: Channel::Email,
            priority: Priority::Normal,
            team_id: None,
            tags,
        };
        let first = NewMessage {
            body_html: mail.html.clone(),
            ..NewMessage::from_customer(customer_id, mail.body.clone())
        };
        let change = tx
            .create_ticket(
                new.decide(Some(&first), Actor::Customer(customer_id))?,
                Actor::Customer(customer_id),
                Some(first),
            )
            .await?;
        let ticket = change.ticket.id;
        let message = change.message.map(|m| m.id);
        tx.link_received(&mail.message_id, &mail.fingerprint, ticket, message);
        self.keep_participants(tx, ticket, customer_id, mail, &sender.address)
            .await?;
        self.keep_files(tx, ticket, message, item, mail).await?;
        if let Some((previous, why)) = previous {
            self.note_in(
                tx,
                ticket,
                &format!(
                    "This message points to ticket #{previous}, but {why}; opened as a new ticket for review."
                ),
            )
            .await?;
        }
        self.acknowledge(tx, batch, ticket, &subject, sender, mail)
            .await?;
        Ok(match previous {
            Some((previous, _)) => IngestOutcome::Linked { ticket, previous },
            None => IngestOutcome::Created(ticket),
        })
    }

    /// Schedules the acknowledgment of a new request (a job composed and
    /// queued after this transaction), unless it would feed a mail loop.
    async fn acknowledge(
        &self,
        tx: &mut WriteTx,
        batch: &Batch,
        ticket: TicketId,
        subject: &str,
        sender: &Sender<'_>,
        mail: &ParsedMail,
    ) -> Result<(), AppError> {
        if !batch.acknowledge {
            return Ok(());
        }
        let address = sender.address.as_str();
        if mail.auto_reply.is_some() || never_acknowledge(address) {
            return Ok(());
        }
        let customer = Person {
            name: sender.person.name.clone(),
            address: address.to_string(),
        };
        tx.schedule_job(&super::ack::job(
            ticket,
            subject,
            &customer,
            &mail.message_id,
        )?)
        .await?;
        Ok(())
    }

    /// Cc'd addresses become participants (not the customer, the sender, or us).
    async fn keep_participants(
        &self,
        tx: &mut WriteTx,
        ticket: TicketId,
        customer: rapport_core::CustomerId,
        mail: &ParsedMail,
        sender: &str,
    ) -> Result<(), AppError> {
        let support = &self.config().mail.address;
        let mut people: Vec<(String, Option<String>)> = Vec::new();
        for person in &mail.cc {
            let Ok(address) = normalize_identity(IdentityKind::Email, &person.address) else {
                continue;
            };
            if address == sender
                || is_own_address(support, &address)
                || people.iter().any(|(a, _)| *a == address)
                || tx.sender(&address).await?.map(|(c, _)| c) == Some(customer)
            {
                continue;
            }
            people.push((address, person.name.as_deref().map(storable)));
        }
        if !people.is_empty() {
            tx.add_participants(ticket, &people).await?;
        }
        Ok(())
    }

    /// Records the stored attachments, and notes the dropped ones and how
    /// the message is shown when that is not as sent.
    async fn keep_files(
        &self,
        tx: &mut WriteTx,
        ticket: TicketId,
        message: Option<MessageId>,
        item: &Prepared,
        mail: &ParsedMail,
    ) -> Result<(), AppError> {
        for note in &mail.notes {
            self.note_in(
                tx,
                ticket,
                &format!("{note} (inbound mail {})", item.record.id),
            )
            .await?;
        }
        if let Some(message) = message
            && !item.files.is_empty()
        {
            tx.add_attachments(ticket, message, &item.files).await?;
        }
        if !item.dropped.is_empty() {
            self.note_in(
                tx,
                ticket,
                &format!(
                    "Attachments not kept on the ticket: {}. The original message is stored in full (inbound mail {}).",
                    item.dropped.join("; "),
                    item.record.id
                ),
            )
            .await?;
        }
        Ok(())
    }
}

/// Whether an address is a mail system's own (MAILER-DAEMON, postmaster).
fn is_mail_system(address: &str) -> bool {
    let local = address.split('@').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        local.replace(['-', '_', '.'], "").as_str(),
        "mailerdaemon" | "postmaster"
    )
}

/// Records the language a customer wrote in, when their mail says it
/// (Content-Language, else Accept-Language) and it is one we have.
async fn note_mail_language(
    tx: &mut WriteTx,
    customer: CustomerId,
    mail: &ParsedMail,
) -> Result<(), AppError> {
    let Some(header) = mail.language.as_deref() else {
        return Ok(());
    };
    let lang = crate::i18n::Lang::from_header(header);
    if let Some(lang) = lang {
        tx.set_customer_language(customer, Some(lang.as_str()))
            .await?;
    }
    Ok(())
}

fn customer_name(from: &Person, sender: &str) -> String {
    storable(&name_or_local_part(
        from.name.as_deref().unwrap_or(""),
        sender,
    ))
}
