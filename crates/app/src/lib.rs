//! Rapport's use cases, shared by the CLI and the web layer.
//!
//! [`App`] owns the store and answers every request a person or program can
//! make: log in, create a ticket, reply, transfer. Authorization lives here,
//! next to the rule it guards, so no front end can forget it: every use case
//! takes the [`Caller`] and checks the caller's role and ownership before the
//! state machine in `rapport-core` checks the move itself.

pub mod agents;
pub mod auth;
pub mod coaching;
pub mod customers;
pub mod demo;
mod error;
pub mod generate;
pub mod intake;
pub mod teams;
pub mod templates;
pub mod tickets;

pub use auth::{Caller, IssuedToken};
pub use error::AppError;

use rapport_store::Store;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Where people reach this Rapport, for links it prints.
    pub public_base_url: String,
    /// How long a login session lasts, in hours.
    pub session_hours: i64,
    /// The business timezone (IANA name), for promise due times.
    pub timezone: String,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            public_base_url: "http://127.0.0.1:8080".into(),
            session_hours: 12,
            timezone: "UTC".into(),
        }
    }
}

/// The help desk: its store, its settings and its in-memory guards.
#[derive(Clone)]
pub struct App {
    store: Store,
    config: AppConfig,
    login_guard: auth::LoginGuard,
}

impl App {
    /// Wraps an opened store.
    pub fn new(store: Store, config: AppConfig) -> Self {
        Self {
            store,
            config,
            login_guard: auth::LoginGuard::default(),
        }
    }

    /// The store, for the CLI's maintenance commands.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings.
    pub fn config(&self) -> &AppConfig {
        &self.config
    }
}

/// Checks that a text field is present and not too long; returns it trimmed.
pub(crate) fn required_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    Ok(value.to_string())
}

/// The stored records the use cases hand out, re-exported so front ends need not know the store.
pub use rapport_store::{
    AgentRecord, CustomerRecord, IdentityRecord, InboundRecord, MessageRecord, TeamRecord,
    TemplateRecord, TicketChange, TicketFilter, TicketSort, TokenRecord,
};
