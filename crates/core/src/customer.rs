//! Customer contact identities and their normal form.

use crate::ids::AgentId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The longest identity accepted, in bytes: 254, the longest e-mail address
/// (RFC 5321's path limit less its brackets); phones and handles alike.
pub const MAX_IDENTITY_BYTES: usize = 254;

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

crate::str_enum!(IdentityKind {
    IdentityKind::Email => "email",
    IdentityKind::Phone => "phone",
    IdentityKind::Handle => "handle",
});

/// Brings an identity to the form used to match it, or says why it is not one.
///
/// E-mail addresses are trimmed and lower-cased (the local part too: no
/// mail system in use treats `Ann@` and `ann@` as different people), phone
/// numbers keep only digits and a leading `+`, handles lose a leading `@`.
pub fn normalize_identity(kind: IdentityKind, value: &str) -> Result<String, IdentityError> {
    let value = value.trim();
    if value.len() > MAX_IDENTITY_BYTES {
        return Err(IdentityError::TooLong { bytes: value.len() });
    }
    match kind {
        IdentityKind::Email => {
            let lower = value.to_lowercase();
            let (local, domain) = lower
                .rsplit_once('@')
                .ok_or_else(|| IdentityError::NoAt(value.to_string()))?;
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
                Err(IdentityError::NotEmail(value.to_string()))
            }
        }
        IdentityKind::Phone => {
            let mut out = String::new();
            for (i, c) in value.chars().enumerate() {
                if c.is_ascii_digit() || (i == 0 && c == '+') {
                    out.push(c);
                } else if !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/') {
                    return Err(IdentityError::NotPhone(value.to_string()));
                }
            }
            if out.chars().filter(char::is_ascii_digit).count() < 5 {
                return Err(IdentityError::PhoneTooShort(value.to_string()));
            }
            Ok(out)
        }
        IdentityKind::Handle => {
            let handle = value.trim_start_matches('@').to_lowercase();
            if handle.is_empty() || handle.chars().any(char::is_whitespace) {
                Err(IdentityError::NotHandle(value.to_string()))
            } else {
                Ok(handle)
            }
        }
    }
}

/// Why a value is not an identity of its kind (the value as given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Longer than [`MAX_IDENTITY_BYTES`].
    #[error("has {bytes} bytes; at most {MAX_IDENTITY_BYTES} are accepted")]
    TooLong {
        /// Its length in bytes.
        bytes: usize,
    },
    /// An e-mail address without an `@`.
    #[error("{0:?} is not an e-mail address (no @)")]
    NoAt(String),
    /// Not an e-mail address otherwise.
    #[error("{0:?} is not an e-mail address")]
    NotEmail(String),
    /// A phone number with characters a number does not have.
    #[error("{0:?} is not a phone number")]
    NotPhone(String),
    /// Fewer than five digits.
    #[error("{0:?} is too short for a phone number")]
    PhoneTooShort(String),
    /// An empty handle, or one with blanks.
    #[error("{0:?} is not a handle")]
    NotHandle(String),
}

/// One way to reach a customer, as recorded in a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// E-mail, phone or handle.
    pub kind: IdentityKind,
    /// The normalised value.
    pub value: String,
}

/// A change to a customer's record, kept as an event on the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CustomerChange {
    /// The addresses the customer is reached at changed, and with them where replies go.
    IdentitiesChanged {
        /// Identities the customer has now and did not have before.
        added: Vec<Identity>,
        /// Identities the customer had and no longer has.
        removed: Vec<Identity>,
    },
}

impl CustomerChange {
    /// The stored name of the change's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            CustomerChange::IdentitiesChanged { .. } => "identities_changed",
        }
    }
}

/// A stored change to a customer's record: what, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerEvent {
    /// Its id, in the order changes were made.
    pub id: i64,
    /// The agent who made the change.
    pub agent_id: Option<AgentId>,
    /// What changed.
    pub change: CustomerChange,
    /// When.
    pub at: Timestamp,
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
        let long = format!("{}@example.com", "a".repeat(242));
        assert_eq!(long.len(), 254);
        assert!(normalize_identity(IdentityKind::Email, &long).is_ok());
        assert!(normalize_identity(IdentityKind::Email, &format!("a{long}")).is_err());
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
