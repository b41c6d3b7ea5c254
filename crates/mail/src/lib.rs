//! Rapport's e-mail parsing: one raw message in, the facts intake needs out.
//!
//! [`parse`] never panics on bad input: a message without headers is an
//! error with a reason (to be quarantined), anything else parses. A message
//! without a usable Message-ID gets a stable synthetic one from its content
//! hash, so redelivery is recognised. [`ParsedMail::thread_keys`] lists the
//! Message-IDs a reply points at, newest first; [`subject_token`] finds a
//! `[#1234]` ticket token; auto-replies and delivery reports (bounces) are
//! recognised so they never open tickets or trigger acknowledgments.

mod automatic;
mod compose;
mod headers;
mod quotes;
mod sanitize;
mod tokens;

pub use compose::{Outgoing, OutgoingAttachment, compose, new_message_id};
pub use quotes::visible_text;
pub use sanitize::{sanitize_html, text_to_html};
pub use tokens::{ReplyToken, SubjectTag, find_reply_token, reply_address, subject_token};

use headers::{clean_id, delivery_addresses, ids, people, salvage};
use mail_parser::{Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

/// The largest raw message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// Why a message could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// Nothing was sent.
    #[error("the message is empty")]
    Empty,
    /// Over [`MAX_MESSAGE_BYTES`].
    #[error("the message has {0} bytes; at most {MAX_MESSAGE_BYTES} are accepted")]
    TooLarge(usize),
    /// No headers could be read.
    #[error("no mail headers could be read")]
    NoHeaders,
    /// An outgoing message could not be built.
    #[error("the message could not be built: {0}")]
    Compose(String),
}

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// Display name, if given.
    pub name: Option<String>,
    /// Address as written.
    pub address: String,
}

/// An attachment or inline part, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name, if given.
    pub name: Option<String>,
    /// MIME type, e.g. `image/jpeg`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Content-ID for inline images (`cid:`), if any.
    pub content_id: Option<String>,
    /// Shown inside the message rather than offered as a file.
    pub inline: bool,
    /// The decoded bytes.
    pub data: Vec<u8>,
}

/// A delivery report: the message that bounced and for whom.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bounce {
    /// The Message-ID of the message that could not be delivered.
    pub original_message_id: Option<String>,
    /// The addresses it failed for.
    pub recipients: Vec<String>,
    /// Permanent (5.x.x) rather than temporary (4.x.x).
    pub permanent: bool,
}

/// Everything intake needs from one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMail {
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// Whether the Message-ID was made up from the content hash.
    pub synthetic_id: bool,
    /// SHA-256 of the raw bytes, hex.
    pub content_hash: String,
    /// SHA-256 of what the sender wrote, hex: the Message-ID, From, Date,
    /// Subject and Content-Type headers and the body, blind to the trace
    /// headers added on the way, so one message by two ways in has one.
    pub fingerprint: String,
    /// In-Reply-To ids.
    pub in_reply_to: Vec<String>,
    /// References ids, oldest first.
    pub references: Vec<String>,
    /// The sender.
    pub from: Option<Person>,
    /// Reply-To, when it differs from From.
    pub reply_to: Option<Person>,
    /// To recipients.
    pub to: Vec<Person>,
    /// Cc recipients.
    pub cc: Vec<Person>,
    /// Addresses it was delivered to (Delivered-To, X-Original-To, Envelope-To).
    pub delivered_to: Vec<String>,
    /// Subject ("" when none).
    pub subject: String,
    /// The text body (from HTML when there is no text part).
    pub text: String,
    /// The HTML body, unsanitised.
    pub html: Option<String>,
    /// Attachments and inline parts.
    pub attachments: Vec<Attachment>,
    /// Why this is an automatic message, if it is one.
    pub auto_reply: Option<String>,
    /// The delivery report, if this is a bounce.
    pub bounce: Option<Bounce>,
}

impl ParsedMail {
    /// The Message-IDs this message replies to, newest first, without duplicates.
    pub fn thread_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for id in self.in_reply_to.iter().chain(self.references.iter().rev()) {
            if !keys.contains(id) {
                keys.push(id.clone());
            }
        }
        keys
    }

    /// The Message-IDs to look up for this message: its own first (is it
    /// known already?), then [`Self::thread_keys`] (which ticket does it answer?).
    pub fn own_and_thread_ids(&self) -> Vec<String> {
        let mut ids = vec![self.message_id.clone()];
        ids.extend(
            self.thread_keys()
                .into_iter()
                .filter(|k| *k != self.message_id),
        );
        ids
    }

    /// The new text of this message, without quoted history or signature.
    pub fn visible_text(&self) -> String {
        visible_text(&self.text)
    }

    /// The HTML body made safe to display, if there is one.
    pub fn sanitized_html(&self) -> Option<String> {
        self.html.as_deref().map(sanitize_html)
    }

    /// Every address the message was sent or delivered to.
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.to
            .iter()
            .chain(&self.cc)
            .map(|p| p.address.as_str())
            .chain(self.delivered_to.iter().map(String::as_str))
    }
}

/// SHA-256 of a raw message, hex: its identity for idempotent intake.
pub fn content_hash(raw: &[u8]) -> String {
    hex(&Sha256::digest(raw))
}

/// SHA-256 of what the sender wrote, hex: the Message-ID, From, Date,
/// Subject and Content-Type headers and the body, as mail-parser read them,
/// but none of the trace headers servers add on the way (Received,
/// Delivered-To, Return-Path, ...). One message delivered by two ways (two
/// mailboxes, a forward that keeps it whole) has one fingerprint; two
/// messages that reuse a Message-ID (some scanners and broken mailers do)
/// have two.
fn fingerprint(message: &Message<'_>, raw: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for name in ["Message-ID", "From", "Date", "Subject", "Content-Type"] {
        hasher.update(name.as_bytes());
        hasher.update(b":");
        hasher.update(message.header_raw(name).unwrap_or("").trim().as_bytes());
        hasher.update(b"\n");
    }
    let body = raw
        .get(message.root_part().raw_body_offset() as usize..)
        .unwrap_or(&[]);
    hasher.update(body);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses one raw message.
pub fn parse(raw: &[u8]) -> Result<ParsedMail, MailError> {
    parse_hashed(raw, content_hash(raw))
}

/// Parses one raw message whose [`content_hash`] the caller already has
/// (intake hashes before it stores), so the bytes are not hashed twice.
pub fn parse_hashed(raw: &[u8], content_hash: String) -> Result<ParsedMail, MailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::Empty);
    }
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(MailError::TooLarge(raw.len()));
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(MailError::NoHeaders)?;
    if message.headers().is_empty() {
        return Err(MailError::NoHeaders);
    }
    let (message_id, synthetic_id) = match message.message_id().and_then(clean_id) {
        Some(id) => (id, false),
        None => (
            format!("synthetic-{}@rapport.invalid", &content_hash[..32]),
            true,
        ),
    };
    let subject = message.subject().unwrap_or("").trim().to_string();
    let from = people(message.from())
        .into_iter()
        .next()
        .or_else(|| message.header_raw("From").and_then(salvage));
    let reply_to = people(message.reply_to()).into_iter().next().filter(|r| {
        from.as_ref()
            .is_none_or(|f| !f.address.eq_ignore_ascii_case(&r.address))
    });
    let html = message.body_html(0).map(|h| h.into_owned());
    let text = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let attachments = message
        .attachments()
        .map(|part| Attachment {
            name: part.attachment_name().map(str::to_string),
            content_type: part
                .content_type()
                .map(|ct| {
                    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
                        .to_ascii_lowercase()
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: part.len(),
            content_id: part.content_id().and_then(clean_id),
            inline: part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline")),
            data: part.contents().to_vec(),
        })
        .collect();
    let bounce = automatic::bounce(&message);
    let auto_reply = if bounce.is_some() {
        Some("delivery report".into())
    } else {
        automatic::auto_reply(&message, &subject)
    };
    Ok(ParsedMail {
        message_id,
        synthetic_id,
        content_hash,
        fingerprint: fingerprint(&message, raw),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from,
        reply_to,
        to: people(message.to()),
        cc: people(message.cc()),
        delivered_to: delivery_addresses(&message),
        subject,
        text,
        html,
        attachments,
        auto_reply,
        bounce,
    })
}

#[cfg(test)]
mod tests;
