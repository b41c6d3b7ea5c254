//! Agent roles and what each may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An agent's role. Each role can do everything the one before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Answers tickets: takes unowned ones, works and hands off their own.
    Agent,
    /// Runs a queue: dispatches any ticket, closes spam and duplicates, manages teams.
    Lead,
    /// Runs the help desk: manages agents and deletes records.
    Admin,
}

/// An action that not every role may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Assign, transfer or change the status of a ticket someone else owns.
    DispatchAnyTicket,
    /// Close a ticket as spam or as a duplicate.
    CloseAsSpamOrDuplicate,
    /// Create, rename teams and change their members.
    ManageTeams,
    /// Create, change and deactivate agents.
    ManageAgents,
    /// Delete customers and teams.
    DeleteRecords,
}

impl Role {
    /// Whether this role may take the action.
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::DispatchAnyTicket
            | Permission::CloseAsSpamOrDuplicate
            | Permission::ManageTeams => self >= Role::Lead,
            Permission::ManageAgents | Permission::DeleteRecords => self >= Role::Admin,
        }
    }

    /// The role's name as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agent" => Ok(Role::Agent),
            "lead" => Ok(Role::Lead),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role {other:?} (agent, lead or admin)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grow_in_power() {
        assert!(!Role::Agent.allows(Permission::DispatchAnyTicket));
        assert!(Role::Lead.allows(Permission::DispatchAnyTicket));
        assert!(!Role::Lead.allows(Permission::ManageAgents));
        assert!(Role::Admin.allows(Permission::ManageAgents));
        assert!(Role::Admin.allows(Permission::CloseAsSpamOrDuplicate));
        for r in [Role::Agent, Role::Lead, Role::Admin] {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
