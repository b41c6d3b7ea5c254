//! The ticket: one customer request, its status, owner and queue.

use crate::ids::{AgentId, CustomerId, TeamId, TicketId};
use crate::str_enum;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting in a queue for someone to take it; no owner yet.
    New,
    /// Owned and being worked on.
    Open,
    /// Waiting for the customer.
    Pending,
    /// Waiting for someone other than the customer (a supplier, a team).
    OnHold,
    /// Answered and considered done; the customer can still reopen it.
    Solved,
    /// Final. Only internal notes can still be added.
    Closed,
}

str_enum!(Status {
    Status::New => "new",
    Status::Open => "open",
    Status::Pending => "pending",
    Status::OnHold => "on_hold",
    Status::Solved => "solved",
    Status::Closed => "closed",
});

impl Status {
    /// Every status, in life order.
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Solved,
        Status::Closed,
    ];

    /// Whether a ticket in this status must have an owner.
    pub fn needs_owner(self) -> bool {
        matches!(
            self,
            Status::Open | Status::Pending | Status::OnHold | Status::Solved
        )
    }
}

/// How urgent a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// The default.
    Normal,
    /// Ahead of normal work.
    High,
    /// Drop everything.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];
}

str_enum!(Priority {
    Priority::Low => "low",
    Priority::Normal => "normal",
    Priority::High => "high",
    Priority::Urgent => "urgent",
});

/// How the customer reached the business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// E-mail.
    Email,
    /// The customer web portal.
    Portal,
    /// The JSON API.
    Api,
    /// A phone call written down by an agent.
    Phone,
    /// A social network or chat message.
    Social,
    /// A public review or mention imported from outside (stored as `reviews`).
    #[serde(rename = "reviews")]
    Review,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 6] = [
        Channel::Email,
        Channel::Portal,
        Channel::Api,
        Channel::Phone,
        Channel::Social,
        Channel::Review,
    ];
}

str_enum!(Channel {
    Channel::Email => "email",
    Channel::Portal => "portal",
    Channel::Api => "api",
    Channel::Phone => "phone",
    Channel::Social => "social",
    Channel::Review => "reviews",
});

/// Why a ticket was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Closure {
    /// Solved, then closed.
    Resolved,
    /// Not a real request.
    Spam {
        /// Why the lead judged it spam.
        reason: String,
    },
    /// The same request as another ticket, which carries on.
    Duplicate {
        /// The ticket that carries on.
        of: TicketId,
        /// Why it is the same request.
        reason: String,
    },
}

/// One customer request and its current state, derived from its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    /// The id, shown to customers as the ticket number.
    pub id: TicketId,
    /// What the request is about.
    pub subject: String,
    /// Where it is in its life.
    pub status: Status,
    /// How urgent it is.
    pub priority: Priority,
    /// How it came in.
    pub channel: Channel,
    /// Who asked.
    pub customer_id: CustomerId,
    /// The queue it sits in.
    pub team_id: Option<TeamId>,
    /// The one agent responsible; set whenever the status needs one.
    pub owner_id: Option<AgentId>,
    /// Labels, lower-case, sorted, unique.
    pub tags: Vec<String>,
    /// How many times it was passed to another agent or team.
    pub transfer_count: i64,
    /// Whether an agent ever replied publicly (no inquiry closes unanswered).
    pub has_public_reply: bool,
    /// Why it was closed, when it is.
    pub closure: Option<Closure>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When anything last changed.
    pub updated_at: Timestamp,
    /// How many events have been applied (optimistic concurrency).
    pub version: i64,
}

/// Brings a tag to its stored form or says why it cannot be one.
pub fn normalize_tag(tag: &str) -> Result<String, TagError> {
    /// The most characters a tag holds.
    const MAX_CHARS: usize = 50;
    // A tag too long is named by its start only, so a refusal never echoes
    // a megabyte back; one far too long is refused before it is lower-cased.
    let too_long = |tag: &str| {
        let mut start: String = tag.chars().take(MAX_CHARS).collect();
        start.push('…');
        Err(TagError::Length(start))
    };
    let tag = tag.trim();
    if tag.len() > 4 * MAX_CHARS {
        return too_long(
            &tag.chars()
                .take(MAX_CHARS)
                .collect::<String>()
                .to_lowercase(),
        );
    }
    let tag = tag.to_lowercase();
    if tag.is_empty() {
        return Err(TagError::Length(tag));
    }
    if tag.chars().count() > MAX_CHARS {
        return too_long(&tag);
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
    {
        return Err(TagError::Characters(tag));
    }
    Ok(tag)
}

/// Why a text cannot be a tag (the tag as lower-cased).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    /// Empty, or longer than 50 characters (the tag's first 50 and `…`).
    #[error("tag {0:?} must have 1 to 50 characters")]
    Length(String),
    /// A character other than letters, digits, '-', '_', ':' and '.'.
    #[error("tag {0:?} may hold only letters, digits, '-', '_', ':' and '.'")]
    Characters(String),
}

#[cfg(test)]
mod tag_tests {
    use super::{TagError, normalize_tag};

    #[test]
    fn a_tag_is_stored_lower_cased_and_a_bad_one_is_named_briefly() {
        assert_eq!(normalize_tag("  VIP ").as_deref(), Ok("vip"));
        assert_eq!(
            normalize_tag("a b"),
            Err(TagError::Characters("a b".to_string()))
        );
        assert_eq!(
            normalize_tag("x\0y"),
            Err(TagError::Characters("x\0y".to_string()))
        );
        // A megabyte is refused by its length, naming only its start.
        let huge = "A".repeat(1 << 20);
        match normalize_tag(&huge) {
            Err(TagError::Length(shown)) => {
                assert_eq!(shown, format!("{}…", "a".repeat(50)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            normalize_tag(&"a".repeat(51)),
            Err(TagError::Length(_))
        ));
        assert_eq!(normalize_tag(&"a".repeat(50)), Ok("a".repeat(50)));
        // Characters are counted, not bytes: 50 "é" (100 bytes) is a tag.
        assert_eq!(normalize_tag(&"É".repeat(50)), Ok("é".repeat(50)));
        assert_eq!(
            normalize_tag(&"é".repeat(51)),
            Err(TagError::Length(format!("{}…", "é".repeat(50))))
        );
        assert_eq!(normalize_tag("  "), Err(TagError::Length(String::new())));
    }
}
