//! Agent roles, API token scopes, and what each may do.
//!
//! A request is allowed when both the agent's [`Role`] and the [`Scope`] of
//! the token it came with allow the [`Permission`]: the role says what the
//! person may do, the scope how much of that a token hands on (an MTA pipe
//! needs only to post mail, a dashboard only to read).

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

/// An action that needs a role, a scope, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read tickets, customers, agents, teams, templates; check drafts with the coach.
    Read,
    /// Change tickets and customers, upload files, manage one's own tokens.
    Work,
    /// Assign, transfer or change the status of a ticket someone else owns.
    DispatchAnyTicket,
    /// Close a ticket as spam or as a duplicate.
    CloseAsSpamOrDuplicate,
    /// Create, rename teams and change their members.
    ManageTeams,
    /// Change the addresses a customer is reached at (and so where replies go).
    EditCustomerIdentities,
    /// Set the attributes customers are grouped by (tier, region, ...).
    EditCustomerAttributes,
    /// Create, change and deactivate agents; read and release quarantined mail.
    ManageAgents,
    /// Delete customers and teams.
    DeleteRecords,
    /// Hand raw inbound mail to the intake (the MTA pipe).
    IngestMail,
    /// Read the Prometheus metrics.
    ReadMetrics,
    /// Create, change, import and delete business calendars; pick the default.
    ManageCalendars,
}

impl Role {
    /// Whether this role may take the action.
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::Read | Permission::Work => true,
            Permission::DispatchAnyTicket
            | Permission::CloseAsSpamOrDuplicate
            | Permission::ManageTeams
            | Permission::EditCustomerIdentities
            | Permission::EditCustomerAttributes => self >= Role::Lead,
            Permission::ManageAgents
            | Permission::DeleteRecords
            | Permission::IngestMail
            | Permission::ReadMetrics
            | Permission::ManageCalendars => self >= Role::Admin,
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

/// How much of its agent's rights a token carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Only posting raw inbound mail (the MTA pipe); its agent must be an admin.
    InboundMail,
    /// Only reading the metrics; its agent must be an admin.
    Metrics,
    /// Reading everything the role may read; changing nothing.
    ReadOnly,
    /// Everything the role allows short of administration: an agent's or a
    /// lead's full rights, a lead's rights for an admin.
    Agent,
    /// Everything, administration included; its agent must be an admin.
    Admin,
}

crate::str_enum!(Scope {
    Scope::InboundMail => "inbound_mail",
    Scope::Metrics => "metrics",
    Scope::ReadOnly => "read_only",
    Scope::Agent => "agent",
    Scope::Admin => "admin",
});

impl Scope {
    /// Every scope, narrowest first.
    pub const ALL: [Scope; 5] = [
        Scope::InboundMail,
        Scope::Metrics,
        Scope::ReadOnly,
        Scope::Agent,
        Scope::Admin,
    ];

    /// Whether a token of this scope carries the permission (the role must allow it too).
    pub fn grants(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Scope::Admin => true,
            Scope::Agent => !matches!(
                permission,
                P::ManageAgents
                    | P::DeleteRecords
                    | P::IngestMail
                    | P::ReadMetrics
                    | P::ManageCalendars
            ),
            Scope::ReadOnly => matches!(permission, P::Read | P::ReadMetrics),
            Scope::Metrics => permission == P::ReadMetrics,
            Scope::InboundMail => permission == P::IngestMail,
        }
    }

    /// The scope of a login session: everything the role may do.
    pub fn full(role: Role) -> Scope {
        match role {
            Role::Admin => Scope::Admin,
            Role::Agent | Role::Lead => Scope::Agent,
        }
    }

    /// Whether an agent of this role may hold a token of this scope.
    pub fn fits(self, role: Role) -> bool {
        match self {
            Scope::ReadOnly | Scope::Agent => true,
            Scope::InboundMail | Scope::Metrics | Scope::Admin => role == Role::Admin,
        }
    }

    /// Whether a token of this scope may hand out a token of `other`: never
    /// more than it carries itself.
    pub fn covers(self, other: Scope) -> bool {
        self == other || self == Scope::Admin || (self == Scope::Agent && other == Scope::ReadOnly)
    }
}

/// What a token is: a login session or a long-lived API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Issued by logging in; expires; carries the full scope of the role.
    Session,
    /// Created for a program; carries the scope it was made with.
    Api,
}

crate::str_enum!(TokenKind {
    TokenKind::Session => "session",
    TokenKind::Api => "api",
});

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
        assert!(!Role::Agent.allows(Permission::EditCustomerIdentities));
        assert!(!Role::Agent.allows(Permission::EditCustomerAttributes));
        assert!(Role::Lead.allows(Permission::EditCustomerAttributes));
        assert!(!Role::Lead.allows(Permission::IngestMail));
        for r in [Role::Agent, Role::Lead, Role::Admin] {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn scopes_narrow_what_a_token_carries() {
        use Permission as P;
        assert!(Scope::InboundMail.grants(P::IngestMail));
        assert!(!Scope::InboundMail.grants(P::Read));
        assert!(
            !Scope::Agent.grants(P::IngestMail),
            "agents cannot forge mail"
        );
        assert!(Scope::ReadOnly.grants(P::Read) && !Scope::ReadOnly.grants(P::Work));
        assert!(!Scope::Agent.grants(P::ManageAgents) && Scope::Agent.grants(P::ManageTeams));
        assert!(Scope::Metrics.grants(P::ReadMetrics) && !Scope::Metrics.grants(P::Read));
        assert!(Scope::Admin.grants(P::DeleteRecords));
        assert!(
            Scope::Admin.grants(P::ManageCalendars) && !Scope::Agent.grants(P::ManageCalendars)
        );
        assert!(!Role::Lead.allows(P::ManageCalendars) && Role::Admin.allows(P::ManageCalendars));
        assert!(!Scope::Admin.fits(Role::Lead) && Scope::Admin.fits(Role::Admin));
        assert!(!Scope::InboundMail.fits(Role::Agent));
        assert!(Scope::Agent.covers(Scope::ReadOnly) && !Scope::ReadOnly.covers(Scope::Agent));
        assert!(!Scope::Agent.covers(Scope::InboundMail));
        for s in Scope::ALL {
            assert_eq!(s.as_str().parse::<Scope>(), Ok(s));
            assert!(s.fits(Role::Admin));
        }
        assert_eq!(Scope::full(Role::Lead), Scope::Agent);
        assert_eq!(Scope::full(Role::Admin), Scope::Admin);
    }
}
