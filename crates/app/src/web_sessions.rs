//! Browser sessions for the web pages: an agent's workspace and a
//! customer's portal.
//!
//! A session is a random token in an `HttpOnly` cookie; only its SHA-256 is
//! stored (table `web_sessions`), so every server shares the sessions and a
//! stolen database holds none. An agent's session and a customer's are of
//! different kinds, with different prefixes, looked up by kind: one never
//! opens the other's pages. Each form carries a CSRF token derived from the
//! secret the browser holds in its cookie ([`csrf_token`]), which another
//! site can neither read nor set.

use crate::auth::{random_secret, secret_hash};
use crate::{App, AppError, Caller};
use rapport_core::{CustomerId, Scope, Timestamp};
use rapport_store::{AgentRecord, SessionOwner, WebSessionKind};
use std::net::IpAddr;

/// The prefix of an agent's session token.
const AGENT_PREFIX: &str = "wa_";
/// The prefix of a customer's session token.
const CUSTOMER_PREFIX: &str = "wc_";
/// How long a customer's portal session lasts, in hours.
pub const CUSTOMER_SESSION_HOURS: i64 = 24 * 7;

/// Who is signed in to a web page: the reader every read use case takes.
pub use crate::principal::Principal;

/// A session just opened: the cookie's secret, shown this once.
#[derive(Debug, Clone)]
pub struct NewWebSession {
    /// The secret to put in the cookie.
    pub token: String,
    /// How many seconds the cookie lives.
    pub max_age_secs: i64,
}

/// The CSRF token of the forms of a browser holding `secret` (its session
/// token, or its anonymous cookie before it signs in).
pub fn csrf_token(secret: &str) -> String {
    let hash = rapport_core::hex::sha256(format!("rapport-csrf\n{secret}").as_bytes());
    hash[..40].to_string()
}

/// Whether a submitted CSRF token is the one of this browser's secret.
pub fn csrf_matches(secret: &str, submitted: &str) -> bool {
    let expected = csrf_token(secret);
    expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A fresh anonymous browser secret (for the CSRF token of sign-in and
/// public forms).
pub fn anonymous_secret() -> Result<String, AppError> {
    random_secret("wv_")
}

impl App {
    /// Signs an agent in to the workspace with e-mail and password (the same
    /// check and login throttle as the API's login).
    pub async fn web_sign_in(
        &self,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<(AgentRecord, NewWebSession), AppError> {
        let agent = self.check_password(email, password, client).await?;
        // Sign-ins are rare: each clears sessions that ended a day ago or more.
        let pruned = self
            .store
            .prune_web_sessions(Timestamp::now().plus_seconds(-86_400))
            .await?;
        tracing::debug!(pruned, "pruned ended web sessions");
        let hours = self.config.session_hours;
        let session = self
            .open_web_session(AGENT_PREFIX, SessionOwner::Agent(agent.id), hours)
            .await?;
        Ok((agent, session))
    }

    /// Opens a customer's portal session (after their one-time link).
    pub(crate) async fn open_customer_session(
        &self,
        customer: CustomerId,
    ) -> Result<NewWebSession, AppError> {
        self.open_web_session(
            CUSTOMER_PREFIX,
            SessionOwner::Customer(customer),
            CUSTOMER_SESSION_HOURS,
        )
        .await
    }

    async fn open_web_session(
        &self,
        prefix: &str,
        owner: SessionOwner,
        hours: i64,
    ) -> Result<NewWebSession, AppError> {
        let token = random_secret(prefix)?;
        let expires = Timestamp::now().plus_seconds(hours * 3600);
        self.store
            .insert_web_session(&secret_hash(&token), owner, expires)
            .await?;
        Ok(NewWebSession {
            token,
            max_age_secs: hours * 3600,
        })
    }

    /// The agent signed in with this workspace cookie, refusing ended,
    /// expired and customer sessions and deactivated agents.
    pub async fn agent_web_session(&self, token: &str) -> Result<Caller, AppError> {
        const REFUSED: AppError = AppError::Unauthorized("error.sessions.workspace");
        if !token.starts_with(AGENT_PREFIX) || token.len() != 67 {
            return Err(REFUSED);
        }
        let found = self
            .store
            .web_session(&secret_hash(token), WebSessionKind::Agent, Timestamp::now())
            .await?;
        let Some(SessionOwner::Agent(id)) = found.map(|s| s.owner) else {
            return Err(REFUSED);
        };
        let agent = self.store.agent(id).await?;
        if !agent.active {
            return Err(REFUSED);
        }
        Ok(Caller {
            agent_id: agent.id,
            role: agent.role,
            scope: Scope::full(agent.role),
            token_id: 0,
        })
    }

    /// The customer signed in with this portal cookie, refusing ended,
    /// expired and agent sessions.
    pub async fn customer_web_session(&self, token: &str) -> Result<CustomerId, AppError> {
        const REFUSED: AppError = AppError::Unauthorized("error.sessions.portal");
        if !token.starts_with(CUSTOMER_PREFIX) || token.len() != 67 {
            return Err(REFUSED);
        }
        let found = self
            .store
            .web_session(
                &secret_hash(token),
                WebSessionKind::Customer,
                Timestamp::now(),
            )
            .await?;
        match found.map(|s| s.owner) {
            Some(SessionOwner::Customer(id)) => Ok(id),
            _ => Err(REFUSED),
        }
    }

    /// Ends a browser session (sign-out); an unknown token is already ended.
    pub async fn web_sign_out(&self, token: &str) -> Result<(), AppError> {
        Ok(self.store.revoke_web_session(&secret_hash(token)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_belong_to_one_secret() {
        let a = csrf_token("wa_one");
        assert_eq!(a.len(), 40);
        assert!(csrf_matches("wa_one", &a));
        assert!(!csrf_matches("wa_two", &a));
        assert!(!csrf_matches("wa_one", ""));
        assert!(!csrf_matches("wa_one", &a[..39]));
    }
}
