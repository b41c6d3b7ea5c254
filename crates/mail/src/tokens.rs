//! Ticket tokens that let a reply find its ticket without headers: the
//! subject tag (`[#1234]`, prefix configurable) and the signed plus-address
//! reply-to (`support+t1234-<hmac>@shop.example`), whose HMAC stops a
//! stranger from guessing their way into someone else's ticket.

use hmac::{KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = hmac::Hmac<Sha256>;

/// Hex characters of the HMAC kept in a reply address (40 bits).
const MAC_HEX: usize = 10;

/// How ticket numbers are written into subjects: `[<prefix><number>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTag {
    prefix: String,
}

impl Default for SubjectTag {
    fn default() -> Self {
        Self { prefix: "#".into() }
    }
}

impl SubjectTag {
    /// A tag with this prefix; refused when empty, too long or holding brackets or digits at the end.
    pub fn new(prefix: &str) -> Result<Self, String> {
        let prefix = prefix.trim();
        if prefix.is_empty() || prefix.chars().count() > 20 {
            return Err("the subject tag prefix must have 1 to 20 characters".into());
        }
        if prefix.contains(['[', ']']) || prefix.ends_with(|c: char| c.is_ascii_digit()) {
            return Err(
                "the subject tag prefix must not contain brackets or end in a digit".into(),
            );
        }
        Ok(Self {
            prefix: prefix.to_string(),
        })
    }

    /// The tag for a ticket, e.g. `[#1234]`.
    pub fn format(&self, ticket: i64) -> String {
        format!("[{}{ticket}]", self.prefix)
    }

    /// A subject with the ticket's tag, added once: `Re: Broken lamp [#1234]`.
    pub fn reply_subject(&self, subject: &str, ticket: i64) -> String {
        let subject = subject.trim();
        let tagged = if self.find(subject) == Some(ticket) {
            subject.to_string()
        } else {
            format!("{subject} {}", self.format(ticket))
        };
        let lower = tagged.to_ascii_lowercase();
        if lower.starts_with("re:") || lower.starts_with("aw:") || lower.starts_with("sv:") {
            tagged
        } else {
            format!("Re: {tagged}")
        }
    }

    /// The ticket number in a subject: the configured prefix first, then the plain `[#1234]`.
    pub fn find(&self, subject: &str) -> Option<i64> {
        find_tag(subject, &self.prefix).or_else(|| find_tag(subject, "#"))
    }
}

fn find_tag(subject: &str, prefix: &str) -> Option<i64> {
    let lower = subject.to_lowercase();
    let needle = format!("[{}", prefix.to_lowercase());
    let mut rest = lower.as_str();
    while let Some(start) = rest.find(&needle) {
        let after = &rest[start + needle.len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && digits.len() <= 18 && after[digits.len()..].starts_with(']') {
            return digits.parse().ok();
        }
        rest = after;
    }
    None
}

/// Finds a ticket token like `[#1234]` in a subject.
pub fn subject_token(subject: &str) -> Option<i64> {
    find_tag(subject, "#")
}

fn mac_hex(secret: &[u8], ticket: i64) -> Option<String> {
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(format!("rapport-reply:{ticket}").as_bytes());
    let mut hex = rapport_core::hex::encode(&mac.finalize().into_bytes());
    hex.truncate(MAC_HEX);
    Some(hex)
}

/// The signed reply address for a ticket: `support+t1234-<hmac>@shop.example`.
/// `None` when the support address has no `@`.
pub fn reply_address(support: &str, ticket: i64, secret: &[u8]) -> Option<String> {
    let (local, domain) = support.rsplit_once('@')?;
    let local = local.split('+').next().unwrap_or(local);
    Some(format!(
        "{local}+t{ticket}-{}@{domain}",
        mac_hex(secret, ticket)?
    ))
}

/// What a plus-address among the recipients says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyToken {
    /// A valid token for this ticket.
    Valid(i64),
    /// A token whose signature does not match: guessed or mangled.
    Forged(i64),
}

/// Looks for a signed reply address of the support mailbox among the recipients.
pub fn find_reply_token<'a>(
    recipients: impl IntoIterator<Item = &'a str>,
    support: &str,
    secret: &[u8],
) -> Option<ReplyToken> {
    let (support_local, support_domain) = support.rsplit_once('@')?;
    let support_local = support_local.split('+').next().unwrap_or(support_local);
    let mut forged = None;
    for address in recipients {
        let Some((local, domain)) = address.trim().rsplit_once('@') else {
            continue;
        };
        if !domain.eq_ignore_ascii_case(support_domain) {
            continue;
        }
        let Some((base, tag)) = local.split_once('+') else {
            continue;
        };
        if !base.eq_ignore_ascii_case(support_local) {
            continue;
        }
        let Some((number, mac)) = tag
            .strip_prefix('t')
            .or_else(|| tag.strip_prefix('T'))
            .and_then(|t| t.split_once('-'))
        else {
            continue;
        };
        let Ok(ticket) = number.parse::<i64>() else {
            continue;
        };
        let expected = mac_hex(secret, ticket)?;
        if constant_time_eq(expected.as_bytes(), mac.to_ascii_lowercase().as_bytes()) {
            return Some(ReplyToken::Valid(ticket));
        }
        forged = Some(ReplyToken::Forged(ticket));
    }
    forged
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_tags_are_found_with_any_prefix_and_added_once() {
        let tag = SubjectTag::new("Shop #").unwrap_or_default();
        assert_eq!(tag.format(12), "[Shop #12]");
        assert_eq!(tag.find("Re: lamp [shop #12]"), Some(12));
        assert_eq!(tag.find("Re: lamp [#7]"), Some(7));
        assert_eq!(tag.find("[Shop #] [Shop #x1] no"), None);
        assert_eq!(tag.reply_subject("Lamp", 12), "Re: Lamp [Shop #12]");
        assert_eq!(
            tag.reply_subject("RE: Lamp [Shop #12]", 12),
            "RE: Lamp [Shop #12]"
        );
        assert!(SubjectTag::new("").is_err());
        assert!(SubjectTag::new("T1").is_err());
        assert_eq!(subject_token("Re: [#1234] lamp"), Some(1234));
        assert_eq!(subject_token("[#99999999999999999999] lamp"), None);
    }

    #[test]
    fn reply_addresses_verify_and_reject_guesses() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let address = reply_address("Support@Shop.example", 42, secret).unwrap_or_default();
        assert!(address.starts_with("Support+t42-"), "{address}");
        assert_eq!(
            find_reply_token(
                ["ann@x.org", address.to_uppercase().as_str()],
                "support@shop.example",
                secret
            ),
            Some(ReplyToken::Valid(42))
        );
        let guessed = address.replace("+t42-", "+t43-");
        assert_eq!(
            find_reply_token([guessed.as_str()], "support@shop.example", secret),
            Some(ReplyToken::Forged(43))
        );
        let other_secret =
            reply_address("support@shop.example", 42, b"another secret").unwrap_or_default();
        assert_eq!(
            find_reply_token([other_secret.as_str()], "support@shop.example", secret),
            Some(ReplyToken::Forged(42))
        );
        assert_eq!(
            find_reply_token(["support@shop.example"], "support@shop.example", secret),
            None
        );
        assert_eq!(
            find_reply_token([address.as_str()], "support@other.example", secret),
            None
        );
    }
}
