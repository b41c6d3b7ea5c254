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
pub mod shape;
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
    /// The header section is larger than [`MAX_HEADER_BYTES`].
    #[error("the headers have more than {MAX_HEADER_BYTES} bytes")]
    HeadersTooLarge,
    /// More MIME structure than any real message has.
    #[error(
        "the message has {0}; at most {MAX_MIME_BOUNDARIES} multipart sections and {MAX_MIME_PART_LINES} part boundaries are read"
    )]
    TooManyParts(String),
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
    /// The text body (from HTML when there is no text part), cut at
    /// [`MAX_TEXT_BYTES`].
    pub text: String,
    /// What the ticket shows as the message: the new text without quoted
    /// history or signature (or the whole text when that leaves nothing),
    /// at most [`MAX_BODY_CHARS`] characters, never empty, without NULs.
    pub body: String,
    /// The HTML body, sanitised, when the message had an HTML part that is
    /// within the bounds of [`shape`]; never a conversion of plain text.
    pub html: Option<String>,
    /// What the reader should know about how the message is shown (HTML
    /// shown as text, text cut), for a note on the ticket.
    pub notes: Vec<String>,
    /// Attachments and inline parts.
    pub attachments: Vec<Attachment>,
    /// Why this is an automatic message, if it is one.
    pub auto_reply: Option<String>,
    /// The delivery report, if this is a bounce.
    pub bounce: Option<Bounce>,
    /// The language the sender wrote in, as the message says it: its
    /// Content-Language, else its Accept-Language header (at most 100
    /// characters; the intake picks a language it has from it).
    pub language: Option<String>,
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
    rapport_core::hex::sha256(raw)
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
    rapport_core::hex::encode(&hasher.finalize())
}

/// The most Message-IDs of one In-Reply-To or References header that are
/// kept: the newest. Threading needs only the last few, and a header of
/// 100,000 ids must cost no more than one of 50.
pub const MAX_THREAD_IDS: usize = 50;
/// The most bytes of a message's text that are read.
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// The most characters of text a message shows on its ticket.
pub const MAX_BODY_CHARS: usize = 200_000;

/// The largest header section read, in bytes.
pub const MAX_HEADER_BYTES: usize = 2 * 1024 * 1024;
/// The most `boundary=` parameters (multipart sections) a message may have.
pub const MAX_MIME_BOUNDARIES: usize = 1_000;
/// The most lines starting with `--` (part boundaries) a message may have.
pub const MAX_MIME_PART_LINES: usize = 10_000;
/// The most attachments read from one message.
pub const MAX_ATTACHMENTS: usize = 1_000;

/// One linear pass over the raw bytes before the MIME parser sees them:
/// the parser's memory grows with the header size and with every part, so
/// a message past these bounds is refused (and quarantined) unparsed.
fn check_structure(raw: &[u8]) -> Result<(), MailError> {
    let header_end = raw
        .windows(2)
        .position(|w| w == b"\n\n" || w == b"\n\r")
        .unwrap_or(raw.len());
    if header_end > MAX_HEADER_BYTES {
        return Err(MailError::HeadersTooLarge);
    }
    let (mut boundaries, mut part_lines) = (0usize, 0usize);
    let mut line_start = true;
    for (i, byte) in raw.iter().enumerate() {
        if line_start && raw[i..].starts_with(b"--") {
            part_lines += 1;
        }
        if (*byte == b'b' || *byte == b'B')
            && raw[i..].len() >= 9
            && raw[i..i + 9].eq_ignore_ascii_case(b"boundary=")
        {
            boundaries += 1;
        }
        line_start = *byte == b'\n';
    }
    if boundaries > MAX_MIME_BOUNDARIES || part_lines > MAX_MIME_PART_LINES {
        return Err(MailError::TooManyParts(format!(
            "{boundaries} multipart sections and {part_lines} part boundaries"
        )));
    }
    Ok(())
}

/// The last `max` ids (References lists the oldest first).
fn newest(mut ids: Vec<String>, max: usize) -> Vec<String> {
    if ids.len() > max {
        ids.drain(..ids.len() - max);
    }
    ids
}

/// The largest char boundary at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    (0..=at.min(text.len()))
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

/// The first HTML body part, only when it really is HTML (mail-parser
/// offers plain text converted to HTML for messages without one).
fn real_html<'a>(message: &'a Message<'_>) -> Option<&'a str> {
    let part = message.html_part(0)?;
    match &part.body {
        mail_parser::PartType::Html(html) => Some(html.as_ref()),
        _ => None,
    }
}

/// The HTML sanitised, or why it is shown as text instead.
fn bounded_html(html: &str) -> Result<String, String> {
    if let Some(why) = shape::html_refusal(html) {
        return Err(why);
    }
    let clean = sanitize_html(html).replace('\0', "");
    if clean.len() > shape::MAX_HTML_STORED_BYTES {
        return Err(format!(
            "its HTML has {} bytes after cleaning (at most {} are kept)",
            clean.len(),
            shape::MAX_HTML_STORED_BYTES
        ));
    }
    Ok(clean)
}

/// What a ticket shows of a message's text.
fn body_of(text: &str, notes: &mut Vec<String>) -> String {
    let visible = visible_text(text);
    let text = if visible.is_empty() {
        text.trim()
    } else {
        visible.as_str()
    };
    if text.is_empty() {
        return "(no text)".to_string();
    }
    let mut body: String = text.chars().take(MAX_BODY_CHARS).collect();
    if body.len() < text.len() {
        notes.push(format!(
            "The text of this message is cut at {MAX_BODY_CHARS} characters. The original is stored in full."
        ));
    }
    body.retain(|c| c != '\0');
    body
}

/// Parses one raw message.
pub fn parse(raw: &[u8]) -> Result<ParsedMail, MailError> {
    parse_hashed(raw, content_hash(raw))
}

/// The text (cut at [`MAX_TEXT_BYTES`]), the bounded sanitised HTML and
/// the shown body of a message, with notes on what is not shown as sent.
fn contents(message: &Message<'_>, notes: &mut Vec<String>) -> (String, Option<String>, String) {
    let mut text = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    if text.len() > MAX_TEXT_BYTES {
        text.truncate(floor_char_boundary(&text, MAX_TEXT_BYTES));
    }
    let html = real_html(message).and_then(|html| match bounded_html(html) {
        Ok(clean) => Some(clean),
        Err(why) => {
            notes.push(format!(
                "This message is shown as text: {why}. The original is stored in full."
            ));
            None
        }
    });
    let body = body_of(&text, notes);
    (text, html, body)
}

/// The first [`MAX_ATTACHMENTS`] attachments, decoded, with a note when
/// there are more.
fn attachments(message: &Message<'_>, notes: &mut Vec<String>) -> Vec<Attachment> {
    let total = message.attachments().count();
    if total > MAX_ATTACHMENTS {
        notes.push(format!(
            "This message has {total} attachments; the first {MAX_ATTACHMENTS} are read. The original is stored in full."
        ));
    }
    message
        .attachments()
        .take(MAX_ATTACHMENTS)
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
        .collect()
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
    check_structure(raw)?;
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
    let mut notes = Vec::new();
    let (text, html, body) = contents(&message, &mut notes);
    let attachments = attachments(&message, &mut notes);
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
        in_reply_to: newest(ids(message.in_reply_to()), MAX_THREAD_IDS),
        references: newest(ids(message.references()), MAX_THREAD_IDS),
        from,
        reply_to,
        to: people(message.to()),
        cc: people(message.cc()),
        delivered_to: delivery_addresses(&message),
        subject,
        text,
        body,
        html,
        notes,
        attachments,
        auto_reply,
        bounce,
        language: ["Content-Language", "Accept-Language"]
            .iter()
            .filter_map(|name| message.header_raw(*name))
            .map(|value| value.trim().chars().take(100).collect::<String>())
            .find(|value| !value.is_empty()),
    })
}

#[cfg(test)]
mod tests;
