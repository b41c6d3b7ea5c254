//! Mail Rapport sends: an agent's reply and the acknowledgment of a new
//! request, composed before the transaction that queues them. Each carries
//! a fresh Message-ID of ours (recorded on the ticket, so the customer's
//! answer threads by rule 1), In-Reply-To/References to the customer's mail,
//! the ticket tag in the subject and the signed reply address.

use crate::hours::customer_time_in;
use crate::templates::render;
use crate::{App, AppError};
use minijinja::Value;
use rapport_core::{BusinessCalendar, IdentityKind, Ticket, TicketId, Timestamp};
use rapport_mail::{Outgoing, OutgoingAttachment, Person, compose, new_message_id, reply_address};
use rapport_store::{CustomerRecord, NewOutboxMail, OutboxKind};
use std::collections::BTreeMap;

/// The outbox kind of an agent's reply.
pub(crate) const KIND_REPLY: OutboxKind = OutboxKind::Reply;
/// The outbox kind of an acknowledgment.
pub(crate) const KIND_ACKNOWLEDGMENT: OutboxKind = OutboxKind::Acknowledgment;
/// The most References kept: the first and the newest.
const MAX_REFERENCES: usize = 20;

/// What a letter says, before it becomes MIME.
pub(crate) struct Letter {
    pub kind: OutboxKind,
    pub ticket: TicketId,
    pub from_name: String,
    pub to: Person,
    pub cc: Vec<Person>,
    pub subject: String,
    pub text: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub automatic: bool,
    pub attachments: Vec<OutgoingAttachment>,
}

/// The given name from a display name for a greeting, or a friendly fallback.
pub(crate) fn first_name(name: &str) -> String {
    let first = name
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches('"');
    if first.is_empty() || first.contains('@') {
        "there".to_string()
    } else {
        first.to_string()
    }
}

/// Whether an address belongs to this help desk (the support address or a plus-variant).
pub(crate) fn is_own_address(support: &str, address: &str) -> bool {
    let (Some((s_local, s_domain)), Some((local, domain))) =
        (support.rsplit_once('@'), address.rsplit_once('@'))
    else {
        return false;
    };
    let base = local.split('+').next().unwrap_or(local);
    base.eq_ignore_ascii_case(s_local.split('+').next().unwrap_or(s_local))
        && domain.eq_ignore_ascii_case(s_domain)
}

/// Addresses no acknowledgment should go to: mailer daemons and no-reply senders.
pub(crate) fn never_acknowledge(address: &str) -> bool {
    let local = address
        .split('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace(['-', '_', '.'], "");
    [
        "mailerdaemon",
        "postmaster",
        "noreply",
        "donotreply",
        "bounce",
        "bounces",
    ]
    .iter()
    .any(|n| local == *n || local.starts_with(&format!("{n}+")))
}

/// Whether mail of this kind goes to a ticket's customer (and so carries
/// the link to the ticket).
fn to_the_customer(kind: OutboxKind) -> bool {
    match kind {
        OutboxKind::Reply | OutboxKind::Acknowledgment | OutboxKind::Survey => true,
        OutboxKind::SignInLink | OutboxKind::Escalation => false,
    }
}

fn message_random() -> Result<u64, AppError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(u64::from_le_bytes(bytes))
}

/// Keeps the first reference and the newest ones.
pub(crate) fn trim_references(mut ids: Vec<String>) -> Vec<String> {
    ids.dedup();
    if ids.len() > MAX_REFERENCES {
        let tail = ids.split_off(ids.len() - (MAX_REFERENCES - 1));
        ids.truncate(1);
        ids.extend(tail);
    }
    ids
}

impl App {
    /// Turns a letter into an outbox mail (message_ref is filled in by the caller).
    pub(crate) async fn compose_letter(
        &self,
        mut letter: Letter,
    ) -> Result<NewOutboxMail, AppError> {
        if let Some(footer) = self.ticket_link_footer(&letter).await? {
            letter.text = format!("{}\n\n{footer}", letter.text.trim_end());
        }
        let mail = &self.config().mail;
        let domain = mail
            .address
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_else(|| "localhost".into());
        let secret = self.reply_secret().await?;
        let message_id = new_message_id(letter.ticket.0, message_random()?, &domain);
        let reply_to =
            reply_address(&mail.address, letter.ticket.0, secret).map(|address| Person {
                name: Some(mail.business_name.clone()),
                address,
            });
        let outgoing = Outgoing {
            from: Person {
                name: Some(letter.from_name),
                address: mail.address.clone(),
            },
            reply_to,
            to: vec![letter.to.clone()],
            cc: letter.cc.clone(),
            subject: letter.subject,
            message_id: message_id.clone(),
            in_reply_to: letter.in_reply_to,
            references: trim_references(letter.references),
            text: letter.text,
            date: jiff::Timestamp::now().as_second(),
            auto_submitted: letter.automatic,
            attachments: letter.attachments,
        };
        // MIME composition (base64 of attachments) runs on the CPU pool.
        let raw = self
            .cpu()
            .run(None, move || compose(&outgoing))
            .await
            .map_err(|e| AppError::Internal(format!("composing mail: {e}")))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut recipients = vec![letter.to.address.clone()];
        recipients.extend(letter.cc.iter().map(|p| p.address.clone()));
        Ok(NewOutboxMail {
            ticket_id: Some(letter.ticket),
            message_ref: None,
            kind: letter.kind,
            message_id,
            mail_from: mail.address.clone(),
            recipients,
            rate_key: letter.to.address.to_lowercase(),
            raw,
        })
    }

    /// The lines that end a letter to a ticket's customer: the link that
    /// opens the ticket in the portal, in the customer's language. None for
    /// a letter that also goes to others (the link signs its holder in as
    /// the customer) or to no customer.
    async fn ticket_link_footer(&self, letter: &Letter) -> Result<Option<String>, AppError> {
        if !to_the_customer(letter.kind) || !letter.cc.is_empty() {
            return Ok(None);
        }
        let customer = self.store().ticket(letter.ticket).await?.customer_id;
        let lang = self.customer_lang(customer).await?;
        let link = self.ticket_link(letter.ticket, customer).await?;
        let days = self.config().security.ticket_link_days.to_string();
        Ok(Some(format!(
            "-- \n{}\n{link}\n",
            lang.text("mail.ticket_link").replace("{days}", &days)
        )))
    }

    /// The mail carrying an agent's reply, or `None` when the ticket has no
    /// e-mail address to answer or outbound mail is off.
    pub(crate) async fn reply_mail(
        &self,
        ticket: &Ticket,
        customer: &CustomerRecord,
        agent_name: &str,
        text: &str,
        attachments: Vec<OutgoingAttachment>,
    ) -> Result<Option<NewOutboxMail>, AppError> {
        if !self.config().mail.outbound {
            return Ok(None);
        }
        let Some(email) = customer
            .identities
            .iter()
            .find(|i| i.kind == IdentityKind::Email)
            .map(|i| i.value.clone())
        else {
            return Ok(None);
        };
        let (thread, participants) = tokio::try_join!(
            self.store().thread_of(ticket.id),
            self.store().participants(ticket.id),
        )?;
        let in_reply_to = thread
            .iter()
            .rev()
            .find(|(_, _, outbound)| !outbound)
            .map(|(id, _, _)| id.clone());
        let references = thread.into_iter().map(|(id, _, _)| id).collect();
        let cc = participants
            .into_iter()
            .filter(|(address, _)| !address.eq_ignore_ascii_case(&email))
            .map(|(address, name)| Person { name, address })
            .collect();
        let mail = &self.config().mail;
        let letter = Letter {
            kind: KIND_REPLY,
            ticket: ticket.id,
            from_name: format!("{agent_name} at {}", mail.business_name),
            to: Person {
                name: Some(customer.name.clone()),
                address: email,
            },
            cc,
            subject: mail.subject_tag.reply_subject(&ticket.subject, ticket.id.0),
            text: text.to_string(),
            in_reply_to,
            references,
            automatic: false,
            attachments,
        };
        Ok(Some(self.compose_letter(letter).await?))
    }

    /// The acknowledgment of a new request, rendered from the template, with
    /// its times read from the calendar as of now.
    pub(crate) async fn acknowledgment_mail(
        &self,
        (template, lang): (&(String, String), crate::i18n::Lang),
        (calendar, minutes): (&BusinessCalendar, i64),
        ticket: TicketId,
        subject: &str,
        customer: &Person,
        customer_message_id: &str,
    ) -> Result<NewOutboxMail, AppError> {
        let mail = &self.config().mail;
        let name = customer.name.clone().unwrap_or_default();
        let now = Timestamp::now();
        let promise = self.response_promise(calendar, now, minutes);
        let response_by = customer_time_in(lang, calendar, promise.response_by, now);
        let text = |s: String| Value::from(s);
        let variables: BTreeMap<&'static str, Value> = BTreeMap::from([
            (
                "customer_name",
                text(if name.is_empty() {
                    customer.address.clone()
                } else {
                    name.clone()
                }),
            ),
            ("customer_first_name", text(first_name(&name))),
            ("agent_name", text(mail.business_name.clone())),
            ("ticket_number", text(format!("#{}", ticket.0))),
            ("ticket_tag", text(mail.subject_tag.format(ticket.0))),
            ("subject", text(subject.to_string())),
            (
                "response_target",
                text(format!("{} {response_by}", lang.text("mail.by"))),
            ),
            ("response_by", text(response_by)),
            ("open_now", Value::from(promise.open_now)),
            (
                "opens_at",
                text(customer_time_in(lang, calendar, promise.opens_at, now)),
            ),
            ("business_name", text(mail.business_name.clone())),
        ]);
        let rendered_subject = render(&template.0, &variables)?;
        let text = render(&template.1, &variables)?;
        let letter = Letter {
            kind: KIND_ACKNOWLEDGMENT,
            ticket,
            from_name: mail.business_name.clone(),
            to: customer.clone(),
            cc: Vec::new(),
            subject: format!(
                "{} {}",
                rendered_subject.trim(),
                mail.subject_tag.format(ticket.0)
            ),
            text,
            in_reply_to: Some(customer_message_id.to_string()),
            references: vec![customer_message_id.to_string()],
            automatic: true,
            attachments: Vec::new(),
        };
        self.compose_letter(letter).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_addresses_and_daemons_are_recognised() {
        assert!(is_own_address(
            "support@shop.example",
            "Support+t5-abc@SHOP.example"
        ));
        assert!(!is_own_address(
            "support@shop.example",
            "support@other.example"
        ));
        assert!(never_acknowledge("MAILER-DAEMON@mx.example"));
        assert!(never_acknowledge("no-reply@bank.example"));
        assert!(never_acknowledge("do_not_reply@bank.example"));
        assert!(!never_acknowledge("ann@customer.example"));
        assert_eq!(first_name("Ann Lee"), "Ann");
        assert_eq!(first_name(""), "there");
        assert_eq!(first_name("ann@x.org"), "there");
    }

    #[test]
    fn long_threads_keep_the_first_and_newest_references() {
        let ids: Vec<String> = (0..30).map(|i| format!("m{i}@x")).collect();
        let kept = trim_references(ids);
        assert_eq!(kept.len(), MAX_REFERENCES);
        assert_eq!(kept[0], "m0@x");
        assert_eq!(kept[1], "m11@x");
        assert_eq!(kept.last().map(String::as_str), Some("m29@x"));
    }
}
