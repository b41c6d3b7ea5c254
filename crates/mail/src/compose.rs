//! MIME out: replies and acknowledgments as multipart text + HTML mail with
//! Rapport's own Message-ID and the threading headers that bring the
//! customer's answer back to the same ticket.

use crate::{MailError, Person, sanitize::text_to_html};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;

/// A file to attach to an outgoing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    /// File name shown to the customer.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// The bytes.
    pub data: Vec<u8>,
}

/// Everything an outgoing message says.
#[derive(Debug, Clone, Default)]
pub struct Outgoing {
    /// The support mailbox it comes from.
    pub from: Person,
    /// Where replies go (the signed plus-address), if not to `from`.
    pub reply_to: Option<Person>,
    /// The customer.
    pub to: Vec<Person>,
    /// Participants copied in.
    pub cc: Vec<Person>,
    /// Subject with the ticket tag.
    pub subject: String,
    /// Our Message-ID, without brackets.
    pub message_id: String,
    /// The customer's message this answers.
    pub in_reply_to: Option<String>,
    /// The thread so far, oldest first.
    pub references: Vec<String>,
    /// The plain-text body.
    pub text: String,
    /// Seconds since the Unix epoch.
    pub date: i64,
    /// Marks an automatic message (RFC 3834) so other auto-responders stay quiet.
    pub auto_submitted: bool,
    /// Files to attach.
    pub attachments: Vec<OutgoingAttachment>,
}

fn address(person: &Person) -> Address<'_> {
    match &person.name {
        Some(name) => Address::new_address(Some(name.as_str()), person.address.as_str()),
        None => Address::new_address(None::<&str>, person.address.as_str()),
    }
}

fn list(people: &[Person]) -> Address<'_> {
    Address::new_list(people.iter().map(address).collect())
}

/// A fresh Message-ID for a ticket: `rapport.<ticket>.<random>@<domain>`.
pub fn new_message_id(ticket: i64, random: u64, domain: &str) -> String {
    format!("rapport.{ticket}.{random:016x}@{domain}")
}

/// Builds the raw RFC 5322 message (text and HTML alternatives, attachments).
pub fn compose(mail: &Outgoing) -> Result<Vec<u8>, MailError> {
    if mail.to.is_empty() {
        return Err(MailError::Compose("a message needs a recipient".into()));
    }
    let mut builder = MessageBuilder::new()
        .from(address(&mail.from))
        .to(list(&mail.to))
        .subject(mail.subject.as_str())
        .message_id(mail.message_id.as_str())
        .date(mail.date)
        .text_body(mail.text.as_str())
        .html_body(text_to_html(&mail.text));
    if !mail.cc.is_empty() {
        builder = builder.cc(list(&mail.cc));
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(address(reply_to));
    }
    if let Some(parent) = &mail.in_reply_to {
        builder = builder.in_reply_to(parent.as_str());
    }
    if !mail.references.is_empty() {
        builder = builder.references(MessageId::new_list(
            mail.references.iter().map(String::as_str),
        ));
    }
    if mail.auto_submitted {
        builder = builder
            .header("Auto-Submitted", Raw::new("auto-replied"))
            .header("X-Auto-Response-Suppress", Raw::new("All"));
    }
    for file in &mail.attachments {
        builder = builder.attachment(
            file.content_type.as_str(),
            file.name.as_str(),
            file.data.as_slice(),
        );
    }
    builder
        .write_to_vec()
        .map_err(|e| MailError::Compose(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_parses_back_with_its_threading_headers() -> Result<(), MailError> {
        let mail = Outgoing {
            from: Person {
                name: Some("Shop Support".into()),
                address: "support@shop.example".into(),
            },
            reply_to: Some(Person {
                name: None,
                address: "support+t7-abc@shop.example".into(),
            }),
            to: vec![Person {
                name: Some("Zoë Müller".into()),
                address: "zoe@customer.example".into(),
            }],
            cc: vec![Person {
                name: None,
                address: "boss@customer.example".into(),
            }],
            subject: "Re: Lampe kaputt [#7]".into(),
            message_id: new_message_id(7, 0xabc, "shop.example"),
            in_reply_to: Some("c2@customer.example".into()),
            references: vec!["c1@customer.example".into(), "c2@customer.example".into()],
            text: "Hi Zoë,\n\nA new lamp ships today.\n\nBest, Sam".into(),
            date: 1_764_000_000,
            auto_submitted: true,
            attachments: vec![OutgoingAttachment {
                name: "label.pdf".into(),
                content_type: "application/pdf".into(),
                data: b"%PDF-1.4 label".to_vec(),
            }],
        };
        let raw = compose(&mail)?;
        let parsed = crate::parse(&raw)?;
        assert_eq!(parsed.message_id, "rapport.7.0000000000000abc@shop.example");
        assert_eq!(parsed.in_reply_to, vec!["c2@customer.example"]);
        assert_eq!(
            parsed.references,
            vec!["c1@customer.example", "c2@customer.example"]
        );
        assert_eq!(parsed.subject, "Re: Lampe kaputt [#7]");
        assert_eq!(parsed.to[0].name.as_deref(), Some("Zoë Müller"));
        assert_eq!(parsed.cc[0].address, "boss@customer.example");
        assert_eq!(
            parsed.reply_to.as_ref().map(|p| p.address.as_str()),
            Some("support+t7-abc@shop.example")
        );
        assert!(parsed.text.contains("A new lamp ships today."));
        assert!(
            parsed
                .html
                .as_deref()
                .is_some_and(|h| h.contains("<p>A new lamp ships today.</p>"))
        );
        assert_eq!(parsed.attachments.len(), 1);
        assert_eq!(parsed.attachments[0].data, b"%PDF-1.4 label");
        assert!(
            parsed.auto_reply.is_some(),
            "acknowledgments are marked automatic"
        );
        Ok(())
    }

    #[test]
    fn a_message_without_recipient_is_refused() {
        assert!(compose(&Outgoing::default()).is_err());
    }
}
