//! What a message on a ticket is and who wrote it.

use serde::{Deserialize, Serialize};

/// Whether a message goes to the customer or stays inside the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Seen by the customer (an inquiry or a reply).
    Public,
    /// An internal note, never shown to the customer.
    Internal,
}

/// Who wrote a message or caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorKind {
    /// The ticket's customer.
    Customer,
    /// An agent.
    Agent,
    /// Rapport itself (acknowledgments, automations).
    System,
}

/// `as_str`, `FromStr` and `Display` for an enum from one table of its
/// stored names (the schema's CHECK constraints list the same names).
#[macro_export]
macro_rules! str_enum {
    ($t:ty { $($variant:path => $name:literal),+ $(,)? }) => {
        impl $t {
            /// The stored and shown name.
            pub fn as_str(self) -> &'static str {
                match self { $($variant => $name),+ }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($name => Ok($variant),)+
                    other => Err(format!("unknown value {other:?}")),
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(MessageKind { MessageKind::Public => "public", MessageKind::Internal => "internal" });
str_enum!(AuthorKind {
    AuthorKind::Customer => "customer",
    AuthorKind::Agent => "agent",
    AuthorKind::System => "system",
});
