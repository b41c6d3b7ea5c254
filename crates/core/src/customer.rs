//! Customer contact identities and their normal form.

use serde::{Deserialize, Serialize};

/// How a customer can be reached; one customer may have several of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    /// An e-mail address.
    Email,
    /// A phone number.
    Phone,
    /// A handle on a social network or chat service.
    Handle,
}

crate::message::str_enum!(IdentityKind {
    IdentityKind::Email => "email",
    IdentityKind::Phone => "phone",
    IdentityKind::Handle => "handle",
});

/// Brings an identity to the form used to match it, or says why it is not one.
///
/// E-mail addresses are trimmed and lower-cased (the local part too: no
/// mail system in use treats `Ann@` and `ann@` as different people), phone
/// numbers keep only digits and a leading `+`, handles lose a leading `@`.
pub fn normalize_identity(kind: IdentityKind, value: &str) -> Result<String, String> {
    let value = value.trim();
    match kind {
        IdentityKind::Email => {
            let lower = value.to_lowercase();
            let (local, domain) = lower
                .rsplit_once('@')
                .ok_or_else(|| format!("{value:?} is not an e-mail address (no @)"))?;
            let valid = !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !lower
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>');
            if valid {
                Ok(lower)
            } else {
                Err(format!("{value:?} is not an e-mail address"))
            }
        }
        IdentityKind::Phone => {
            let mut out = String::new();
            for (i, c) in value.chars().enumerate() {
                if c.is_ascii_digit() || (i == 0 && c == '+') {
                    out.push(c);
                } else if !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/') {
                    return Err(format!("{value:?} is not a phone number"));
                }
            }
            if out.chars().filter(char::is_ascii_digit).count() < 5 {
                return Err(format!("{value:?} is too short for a phone number"));
            }
            Ok(out)
        }
        IdentityKind::Handle => {
            let handle = value.trim_start_matches('@').to_lowercase();
            if handle.is_empty() || handle.chars().any(char::is_whitespace) {
                Err(format!("{value:?} is not a handle"))
            } else {
                Ok(handle)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_match_case_insensitively() {
        assert_eq!(
            normalize_identity(IdentityKind::Email, "  Ann.Lee@Example.COM "),
            Ok("ann.lee@example.com".into())
        );
        assert!(normalize_identity(IdentityKind::Email, "ann").is_err());
        assert!(normalize_identity(IdentityKind::Email, "ann@localhost").is_err());
        assert!(normalize_identity(IdentityKind::Email, "a b@x.org").is_err());
    }

    #[test]
    fn phones_keep_digits() {
        assert_eq!(
            normalize_identity(IdentityKind::Phone, "+1 (555) 010-9999"),
            Ok("+15550109999".into())
        );
        assert!(normalize_identity(IdentityKind::Phone, "call me").is_err());
        assert!(normalize_identity(IdentityKind::Phone, "12").is_err());
    }

    #[test]
    fn handles_lose_the_at() {
        assert_eq!(
            normalize_identity(IdentityKind::Handle, "@AnnLee"),
            Ok("annlee".into())
        );
        assert!(normalize_identity(IdentityKind::Handle, "@").is_err());
    }
}
