//! Mail no person wrote: auto-replies, list mail and delivery reports (bounces).

use crate::Bounce;
use crate::headers::clean_id;
use mail_parser::{MimeHeaders, PartType};

/// Why a message is automatic (RFC 3834 Auto-Submitted, X-Autoreply,
/// Precedence bulk/junk/list, list mail, out-of-office subjects).
pub(crate) fn auto_reply(message: &mail_parser::Message<'_>, subject: &str) -> Option<String> {
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

/// The delivery report (RFC 3464 multipart/report) in a message, if it is one.
pub(crate) fn bounce(message: &mail_parser::Message<'_>) -> Option<Bounce> {
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
