//! Rapport's e-mail parsing: one raw message in, the facts intake needs out.
//!
//! [`parse`] never panics on bad input: a message without headers is an
//! error with a reason (to be quarantined), anything else parses. A message
//! without a usable Message-ID gets a stable synthetic one from its content
//! hash, so redelivery is recognised. [`ParsedMail::thread_keys`] lists the
//! Message-IDs a reply points at, newest first; [`subject_token`] finds a
//! `[#1234]` ticket token; auto-replies and delivery reports (bounces) are
//! recognised so they never open tickets or trigger acknowledgments.

mod quotes;

pub use quotes::visible_text;

use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};
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
}

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Display name, if given.
    pub name: Option<String>,
    /// Address as written.
    pub address: String,
}

/// An attachment's description (its bytes stay in the raw message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// File name, if given.
    pub name: Option<String>,
    /// MIME type, e.g. `image/jpeg`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// Content-ID for inline images (`cid:`), if any.
    pub content_id: Option<String>,
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
    /// Subject ("" when none).
    pub subject: String,
    /// The text body (from HTML when there is no text part).
    pub text: String,
    /// The HTML body, unsanitised.
    pub html: Option<String>,
    /// Attachments and inline parts.
    pub attachments: Vec<AttachmentInfo>,
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

    /// The new text of this message, without quoted history or signature.
    pub fn visible_text(&self) -> String {
        visible_text(&self.text)
    }
}

/// SHA-256 of a raw message, hex: its identity for idempotent intake.
pub fn content_hash(raw: &[u8]) -> String {
    Sha256::digest(raw)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty() && !id.contains(char::is_whitespace)).then(|| id.to_string())
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => t.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(list) => list
            .iter()
            .flat_map(|t| t.split_whitespace())
            .filter_map(clean_id)
            .collect(),
        _ => Vec::new(),
    }
}

/// Recovers something address-like from a sloppy header ("Ann <ann@x.org", "ann at x.org").
fn salvage(raw: &str) -> Option<Person> {
    let candidate = raw
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')'))
        .find(|w| w.contains('@') && w.len() > 3)?;
    Some(Person {
        name: None,
        address: candidate.trim_matches('.').to_string(),
    })
}

fn people(address: Option<&Address<'_>>) -> Vec<Person> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|addr| {
                    let address = addr.address()?.trim().to_string();
                    (!address.is_empty()).then(|| Person {
                        name: addr
                            .name()
                            .map(|n| n.trim().to_string())
                            .filter(|n| !n.is_empty()),
                        address,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Why a message is automatic (RFC 3834 Auto-Submitted, X-Autoreply,
/// Precedence bulk/junk/list, list mail, out-of-office subjects).
fn auto_reply(message: &mail_parser::Message<'_>, subject: &str) -> Option<String> {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if let Some(v) = header("Auto-Submitted").filter(|v| !v.starts_with("no")) {
        return Some(format!("Auto-Submitted: {v}"));
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"] {
        if let Some(v) = header(name).filter(|v| !v.is_empty() && v != "no") {
            return Some(format!("{name}: {v}"));
        }
    }
    if let Some(v) = header("Precedence").filter(|v| ["bulk", "junk", "list"].contains(&v.as_str()))
    {
        return Some(format!("Precedence: {v}"));
    }
    if header("List-Id").is_some() || header("List-Unsubscribe").is_some() {
        return Some("mailing list".into());
    }
    let lower = subject.to_lowercase();
    for prefix in [
        "auto:",
        "automatic reply",
        "autoreply",
        "out of office",
        "out of the office",
        "abwesenheitsnotiz",
    ] {
        if lower.starts_with(prefix) {
            return Some(format!("subject starts with {prefix:?}"));
        }
    }
    None
}

fn bounce(message: &mail_parser::Message<'_>) -> Option<Bounce> {
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if !report {
        return None;
    }
    let mut result = Bounce::default();
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase();
        match (&part.body, kind.as_str()) {
            (PartType::Message(original), _) => {
                result.original_message_id = result
                    .original_message_id
                    .take()
                    .or_else(|| original.message_id().and_then(clean_id));
            }
            (_, "message/delivery-status")
            | (_, "text/rfc822-headers")
            | (_, "message/rfc822-headers") => {
                let text = String::from_utf8_lossy(part.contents()).into_owned();
                for line in text.lines() {
                    let lower = line.to_ascii_lowercase();
                    if let Some(rest) = lower
                        .strip_prefix("final-recipient:")
                        .or_else(|| lower.strip_prefix("original-recipient:"))
                    {
                        let address = rest.rsplit(';').next().unwrap_or(rest).trim().to_string();
                        if !address.is_empty() && !result.recipients.contains(&address) {
                            result.recipients.push(address);
                        }
                    } else if let Some(rest) = lower.strip_prefix("status:") {
                        result.permanent |= rest.trim().starts_with('5');
                    } else if lower.starts_with("message-id:")
                        && result.original_message_id.is_none()
                    {
                        result.original_message_id = clean_id(&line["message-id:".len()..]);
                    }
                }
            }
            _ => {}
        }
    }
    Some(result)
}

/// Finds a ticket token like `[#1234]` in a subject.
pub fn subject_token(subject: &str) -> Option<i64> {
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// Parses one raw message.
pub fn parse(raw: &[u8]) -> Result<ParsedMail, MailError> {
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
    let content_hash = content_hash(raw);
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
        .map(|part| AttachmentInfo {
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
        })
        .collect();
    let bounce = bounce(&message);
    let auto_reply = if bounce.is_some() {
        Some("delivery report".into())
    } else {
        auto_reply(&message, &subject)
    };
    Ok(ParsedMail {
        message_id,
        synthetic_id,
        content_hash,
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        from,
        reply_to,
        to: people(message.to()),
        cc: people(message.cc()),
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
