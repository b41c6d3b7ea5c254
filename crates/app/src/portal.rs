//! The customer portal's use cases: the public request form, sign-in by a
//! one-time link sent through the outbox, and a customer's own tickets.
//!
//! A customer sees only their own tickets: any other ticket is "not found",
//! exactly as a missing one. They see the public conversation only, never
//! internal notes. The public form is kept from bots without a third party:
//! a hidden field people leave empty (the honeypot), a signed time stamp
//! that must be at least [`MIN_FILL_SECS`] old, and a rate limit per client
//! kept in the database, so every server shares it.

use crate::auth::{random_secret, secret_hash};
use crate::i18n::Lang;
use crate::tickets::{NewTicket, body};
use crate::web_sessions::NewWebSession;
use crate::{App, AppError, Principal, required_text};
use rapport_core::{
    Actor, Channel, CustomerId, IdentityKind, MessageKind, Priority, Ticket, TicketId, Timestamp,
    normalize_identity,
};
use rapport_store::{
    AttachmentRecord, MessageRecord, NewMessage, NewOutboxMail, OutboxKind, TicketFilter,
    TicketSort,
};
use std::net::IpAddr;

/// Portal form posts and link requests one client may make per minute.
pub const PORTAL_PER_MINUTE: u32 = 10;
/// A form sent sooner than this after it was served is a bot's.
pub const MIN_FILL_SECS: i64 = 2;
/// A form older than this must be loaded again.
pub const MAX_FORM_AGE_SECS: i64 = 86_400;
/// How long a sign-in link works, in minutes.
pub const LINK_MINUTES: i64 = 30;
/// Links one customer is sent per hour at most.
pub const LINKS_PER_HOUR: i64 = 5;
/// The most tickets one page of the portal's list shows.
pub const PORTAL_TICKETS: i64 = 100;

/// What the public request form sends.
#[derive(Debug, Clone, Default)]
pub struct PortalRequest {
    /// The customer's name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// What it is about.
    pub subject: String,
    /// Their words.
    pub description: String,
    /// The hidden field people leave empty.
    pub honeypot: String,
    /// The signed time stamp the form was served with.
    pub stamp: String,
    /// Photos or documents sent with it.
    pub files: Vec<crate::portal_files::PortalFile>,
    /// The language the customer wrote in (the portal page's): stored on
    /// the customer, so our mail to them is in it.
    pub lang: Lang,
}

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOutcome {
    /// A ticket was opened and a sign-in link sent.
    Opened(TicketId),
    /// A bot filled the honeypot: nothing was stored (the page says thanks all the same).
    Discarded,
}

/// A page of a customer's tickets.
#[derive(Debug, Clone)]
pub struct PortalTickets {
    /// The tickets, most recently changed first.
    pub tickets: Vec<Ticket>,
    /// The cursor of the next page, when there is one.
    pub next: Option<(i64, i64)>,
}

/// A customer's ticket as the portal shows it.
#[derive(Debug, Clone)]
pub struct PortalTicket {
    /// The ticket.
    pub ticket: Ticket,
    /// Its public messages shown (the newest, or a page back), oldest first.
    pub messages: Vec<MessageRecord>,
    /// The oldest message shown, when earlier public ones exist.
    pub earlier: Option<rapport_core::MessageId>,
    /// The files on those messages.
    pub attachments: Vec<AttachmentRecord>,
}

impl App {
    /// The signed time stamp a freshly served request form carries.
    pub async fn portal_form_stamp(&self) -> Result<String, AppError> {
        let now = Timestamp::now().0 / 1_000_000;
        Ok(format!("{now}.{}", self.stamp_mac(now).await?))
    }

    async fn stamp_mac(&self, secs: i64) -> Result<String, AppError> {
        let secret = self.reply_secret().await?;
        let mut keyed = secret.to_vec();
        keyed.extend_from_slice(format!("\nportal-form\n{secs}").as_bytes());
        Ok(rapport_core::hex::sha256(&keyed)[..32].to_string())
    }

    /// Checks the stamp: ours, at least [`MIN_FILL_SECS`] and at most
    /// [`MAX_FORM_AGE_SECS`] old.
    async fn check_stamp(&self, stamp: &str) -> Result<(), AppError> {
        let refused = || AppError::invalid("stamp", msg!("error.portal.stale_form"));
        let (secs, mac) = stamp.split_once('.').ok_or_else(refused)?;
        let secs: i64 = secs.parse().map_err(|_| refused())?;
        if self.stamp_mac(secs).await? != mac {
            return Err(refused());
        }
        let age = Timestamp::now().0 / 1_000_000 - secs;
        if age < MIN_FILL_SECS {
            return Err(AppError::invalid("stamp", msg!("error.portal.too_quick")));
        }
        if age > MAX_FORM_AGE_SECS {
            return Err(refused());
        }
        Ok(())
    }

    /// Takes one portal form post or link request of a client from the
    /// limit every server shares.
    async fn take_portal(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let key = crate::client::client_key(client);
        self.take_shared("portal", &key, PORTAL_PER_MINUTE).await
    }

    /// Opens a ticket from the public request form and sends the customer a
    /// sign-in link to follow it.
    pub async fn portal_request(
        &self,
        request: PortalRequest,
        client: Option<IpAddr>,
    ) -> Result<RequestOutcome, AppError> {
        self.take_portal(client).await?;
        if !request.honeypot.trim().is_empty() {
            tracing::info!("portal: a filled honeypot; request discarded");
            return Ok(RequestOutcome::Discarded);
        }
        self.check_stamp(&request.stamp).await?;
        let name = required_text("name", &request.name, 200)?;
        let email = normalize_identity(IdentityKind::Email, &request.email)
            .map_err(|m| AppError::invalid("email", crate::core_words::identity_words(&m)))?;
        let subject = required_text("subject", &request.subject, 300)?;
        let text = body(&request.description).map_err(|e| match e {
            AppError::Invalid { message, .. } => AppError::invalid("description", message),
            other => other,
        })?;
        let customer = self.customer_for_email(&email, &name).await?;
        self.note_customer_lang(customer, request.lang).await?;
        let actor = Actor::Customer(customer);
        let first = NewMessage::from_customer(customer, text);
        let new = NewTicket {
            subject,
            customer_id: customer,
            channel: Channel::Portal,
            priority: Priority::Normal,
            team_id: None,
            tags: Vec::new(),
        };
        let files = self.store_portal_files(request.files).await?;
        self.sla_rules().await?;
        let opening = new.decide(Some(&first), actor)?;
        let mut tx = self.store().begin_write().await?;
        let change = tx.create_ticket(opening, actor, Some(first)).await?;
        if let Some(message) = change.message.as_ref().map(|m| m.id) {
            tx.add_attachments(change.ticket.id, message, &files)
                .await?;
        }
        tx.commit().await?;
        self.queue_sign_in_link(customer, &email, request.lang)
            .await?;
        Ok(RequestOutcome::Opened(change.ticket.id))
    }

    /// Sends a sign-in link to the customer with this address, if there is
    /// one. The answer is the same either way, so the form tells no one
    /// which addresses are customers.
    /// The mail is in the customer's language, else the page's (`lang`).
    pub async fn request_sign_in_link(
        &self,
        email: &str,
        client: Option<IpAddr>,
        lang: Lang,
    ) -> Result<(), AppError> {
        self.take_portal(client).await?;
        let email = normalize_identity(IdentityKind::Email, email)
            .map_err(|m| AppError::invalid("email", crate::core_words::identity_words(&m)))?;
        let Some(customer) = self
            .store()
            .customer_by_identity(IdentityKind::Email, &email)
            .await?
        else {
            return Ok(());
        };
        self.queue_sign_in_link(customer, &email, lang).await
    }

    /// Stores a fresh link and queues the mail that carries it (at most
    /// [`LINKS_PER_HOUR`] per customer).
    async fn queue_sign_in_link(
        &self,
        customer: CustomerId,
        email: &str,
        page_lang: Lang,
    ) -> Result<(), AppError> {
        let hour_ago = Timestamp::now().plus_seconds(-3600);
        if self.store().portal_links_since(customer, hour_ago).await? >= LINKS_PER_HOUR {
            tracing::info!(
                customer = customer.0,
                "portal: sign-in links per hour reached"
            );
            return Ok(());
        }
        let token = random_secret("pl_")?;
        let expires = Timestamp::now().plus_seconds(LINK_MINUTES * 60);
        self.store()
            .insert_portal_link(&secret_hash(&token), customer, expires)
            .await?;
        let lang = self
            .customer_stored_lang(customer)
            .await?
            .unwrap_or(page_lang);
        let mail = self.sign_in_mail(email, &token, lang)?;
        let mut tx = self.store().begin_write().await?;
        tx.enqueue_mail(&mail).await?;
        tx.commit().await?;
        Ok(())
    }

    fn sign_in_mail(
        &self,
        email: &str,
        token: &str,
        lang: Lang,
    ) -> Result<NewOutboxMail, AppError> {
        let config = self.config();
        let message_id = fresh_message_id(config)?;
        let link = format!(
            "{}/portal/link/{token}",
            config.public_base_url.trim_end_matches('/')
        );
        let text = format!(
            "{}\n\n{}\n\n{link}\n\n{}\n",
            lang.text("mail.sign_in.hello"),
            lang.text("mail.sign_in.open")
                .replace("{business}", &config.mail.business_name),
            lang.text("mail.sign_in.once")
                .replace("{minutes}", &LINK_MINUTES.to_string()),
        );
        let outgoing = rapport_mail::Outgoing {
            from: rapport_mail::Person {
                name: Some(config.mail.business_name.clone()),
                address: config.mail.address.clone(),
            },
            to: vec![rapport_mail::Person {
                name: None,
                address: email.to_string(),
            }],
            subject: lang
                .text("mail.sign_in.subject")
                .replace("{business}", &config.mail.business_name),
            message_id: message_id.clone(),
            text,
            date: Timestamp::now().0 / 1_000_000,
            auto_submitted: true,
            ..rapport_mail::Outgoing::default()
        };
        let raw =
            rapport_mail::compose(&outgoing).map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(NewOutboxMail {
            ticket_id: None,
            message_ref: None,
            kind: OutboxKind::SignInLink,
            message_id,
            mail_from: config.mail.address.clone(),
            recipients: vec![email.to_string()],
            rate_key: email.to_string(),
            raw,
        })
    }

    /// Redeems a one-time link: opens the customer's portal session. A
    /// used, expired or unknown link is refused.
    pub async fn redeem_sign_in_link(&self, token: &str) -> Result<NewWebSession, AppError> {
        const REFUSED: AppError = AppError::Unauthorized("error.portal.link_used");
        if !token.starts_with("pl_") || token.len() != 67 {
            return Err(REFUSED);
        }
        let customer = self
            .store()
            .redeem_portal_link(&secret_hash(token), Timestamp::now())
            .await?
            .ok_or(REFUSED)?;
        self.open_customer_session(customer).await
    }

    /// A page of the customer's own tickets, most recently changed first,
    /// after a keyset cursor (`(updated_at, id)` of the last one seen):
    /// customers only (agents list with [`App::tickets`]).
    pub async fn portal_tickets(
        &self,
        who: &Principal,
        after: Option<(i64, i64)>,
    ) -> Result<PortalTickets, AppError> {
        let customer = who.customer("list their own tickets")?;
        let filter = TicketFilter {
            customer_id: Some(customer),
            sort: TicketSort::UpdatedDesc,
            after,
            limit: PORTAL_TICKETS + 1,
            ..TicketFilter::default()
        };
        let mut tickets = self.store().list_tickets(&filter).await?;
        let more = tickets.len() > PORTAL_TICKETS as usize;
        tickets.truncate(PORTAL_TICKETS as usize);
        let next = more
            .then(|| tickets.last().map(|t| (t.updated_at.0, t.id.0)))
            .flatten();
        Ok(PortalTickets { tickets, next })
    }

    /// The customer's ticket; anyone else's is not found.
    pub(crate) async fn own_ticket(
        &self,
        customer: CustomerId,
        id: TicketId,
    ) -> Result<Ticket, AppError> {
        match self.store().ticket(id).await {
            Ok(t) if t.customer_id == customer => Ok(t),
            Ok(_) | Err(rapport_store::StoreError::NotFound(_)) => {
                Err(AppError::NotFound("ticket"))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// One of the customer's tickets with its public conversation (no
    /// internal notes): customers only (agents read [`App::ticket`]).
    pub async fn portal_ticket(
        &self,
        who: &Principal,
        id: TicketId,
        before: Option<rapport_core::MessageId>,
    ) -> Result<PortalTicket, AppError> {
        let customer = who.customer("read the portal's ticket page")?;
        let ticket = self.own_ticket(customer, id).await?;
        let page = self.conversation_page(id, before, true).await?;
        Ok(PortalTicket {
            ticket,
            messages: page.messages,
            earlier: page.earlier,
            attachments: page.files,
        })
    }

    /// The record of a file on one of the customer's public messages (any
    /// other file is not found); [`App::attachment`] reads it for a customer.
    pub(crate) async fn customer_file(
        &self,
        customer: CustomerId,
        id: i64,
    ) -> Result<AttachmentRecord, AppError> {
        let record = self.store().attachment(id).await?;
        let ticket = record.ticket_id.ok_or(AppError::NotFound("attachment"))?;
        self.own_ticket(customer, ticket).await?;
        // Only a file on a public message (on any page of the conversation).
        let message = record.message_ref.ok_or(AppError::NotFound("attachment"))?;
        let public = self
            .store()
            .messages_after(ticket, Some(rapport_core::MessageId(message.0 - 1)), 1)
            .await?
            .first()
            .is_some_and(|m| m.id == message && m.kind == MessageKind::Public);
        if !public {
            return Err(AppError::NotFound("attachment"));
        }
        Ok(record)
    }
}

/// A new Message-ID on the support address's domain, for a mail Rapport
/// writes by itself (sign-in links, escalations).
pub(crate) fn fresh_message_id(config: &crate::AppConfig) -> Result<String, AppError> {
    let domain = config
        .mail
        .address
        .rsplit_once('@')
        .map_or("localhost", |(_, d)| d);
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(rapport_mail::new_message_id(
        0,
        u64::from_le_bytes(random),
        domain,
    ))
}
