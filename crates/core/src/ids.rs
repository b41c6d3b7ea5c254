//! Typed ids, so a ticket id can never be passed where an agent id belongs.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A ticket's id, which is also its customer-facing number (`#1234`).
    TicketId
);
id_type!(
    /// A customer's id.
    CustomerId
);
id_type!(
    /// An agent's id (agents, leads and admins alike).
    AgentId
);
id_type!(
    /// A team's (queue's) id.
    TeamId
);
id_type!(
    /// A message's id.
    MessageId
);
id_type!(
    /// An event's id in the append-only log.
    EventId
);
id_type!(
    /// A promise's id (a commitment made to a customer in a reply).
    PromiseId
);
