//! Who is reading: an agent with the rights of their role (and token), or
//! a customer, who sees their own tickets only.
//!
//! Every read use case that a customer may reach, or that must refuse one
//! kind of reader, takes a [`Principal`] and decides inside: the JSON API
//! and the agent workspace pass [`Principal::Agent`], the portal
//! [`Principal::Customer`], and the handlers only extract, call and render.
//! An agent-only read refuses a customer with [`AppError::Forbidden`], a
//! customer-only read an agent; a customer asking for another customer's
//! ticket or file finds nothing ([`AppError::NotFound`]).

use crate::{AppError, Caller};
use rapport_core::{CustomerId, Permission};

/// Who asks for a read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An agent, with the rights of their role narrowed by their token.
    Agent(Caller),
    /// A customer, who sees their own tickets and public messages only.
    Customer(CustomerId),
}

impl Principal {
    /// The agent asking, once their role and scope allow `permission`; a
    /// customer is forbidden (`action` words what was refused).
    pub fn agent(&self, permission: Permission, action: &str) -> Result<&Caller, AppError> {
        match self {
            Principal::Agent(caller) => {
                caller.require(permission, action)?;
                Ok(caller)
            }
            Principal::Customer(_) => Err(AppError::Forbidden(msg!(
                "error.auth.agents_only",
                action = action
            ))),
        }
    }

    /// The customer asking; an agent is forbidden (a customer-only read,
    /// such as the portal's own list).
    pub fn customer(&self, action: &str) -> Result<CustomerId, AppError> {
        match self {
            Principal::Customer(id) => Ok(*id),
            Principal::Agent(_) => Err(AppError::Forbidden(msg!(
                "error.auth.customers_only",
                action = action
            ))),
        }
    }
}

impl From<Caller> for Principal {
    fn from(caller: Caller) -> Self {
        Principal::Agent(caller)
    }
}

impl From<&Caller> for Principal {
    fn from(caller: &Caller) -> Self {
        Principal::Agent(caller.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_core::{AgentId, Role, Scope};

    fn agent(role: Role, scope: Scope) -> Principal {
        Principal::Agent(Caller {
            agent_id: AgentId(1),
            role,
            scope,
            token_id: 0,
        })
    }

    #[test]
    fn an_agent_reads_as_their_role_and_scope_allow() {
        let full = agent(Role::Agent, Scope::full(Role::Agent));
        assert!(full.agent(Permission::Read, "read tickets").is_ok());
        assert_eq!(
            full.customer("read the portal").map_err(|e| e.code()),
            Err("forbidden")
        );
    }

    #[test]
    fn a_customer_is_refused_agent_reads() {
        let customer = Principal::Customer(CustomerId(7));
        assert_eq!(
            customer.customer("read the portal").ok(),
            Some(CustomerId(7))
        );
        let refused = customer.agent(Permission::Read, "read tickets");
        assert_eq!(refused.map_err(|e| e.code()), Err("forbidden"));
    }
}
