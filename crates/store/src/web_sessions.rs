//! Browser sessions of the web pages, kept in the database so every server
//! shares them. A row holds the SHA-256 of the cookie's token, never the
//! token, and says whose session it is: an agent's or a customer's.

use crate::{Store, StoreError};
use rapport_core::{AgentId, CustomerId, Timestamp};
use sqlx::Row;

/// Whose browser session it is; the two kinds are never interchangeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebSessionKind {
    /// An agent's workspace.
    Agent,
    /// A customer's portal.
    Customer,
}

rapport_core::str_enum!(WebSessionKind {
    WebSessionKind::Agent => "agent",
    WebSessionKind::Customer => "customer",
});

/// Who a stored session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOwner {
    /// An agent.
    Agent(AgentId),
    /// A customer.
    Customer(CustomerId),
}

impl SessionOwner {
    /// The kind of session this owner holds.
    pub fn kind(self) -> WebSessionKind {
        match self {
            SessionOwner::Agent(_) => WebSessionKind::Agent,
            SessionOwner::Customer(_) => WebSessionKind::Customer,
        }
    }
}

/// A stored, live browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSessionRecord {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub owner: SessionOwner,
    /// When it ends.
    pub expires_at: Timestamp,
}

impl Store {
    /// Stores a new session under the token's hash.
    pub async fn insert_web_session(
        &self,
        token_hash: &str,
        owner: SessionOwner,
        expires_at: Timestamp,
    ) -> Result<i64, StoreError> {
        let (agent, customer) = match owner {
            SessionOwner::Agent(a) => (Some(a.0), None),
            SessionOwner::Customer(c) => (None, Some(c.0)),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO web_sessions (token_hash, kind, agent_id, customer_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(token_hash)
        .bind(owner.kind().as_str())
        .bind(agent)
        .bind(customer)
        .bind(Timestamp::now().0)
        .bind(expires_at.0)
        .fetch_one(&self.write)
        .await?;
        Ok(id)
    }

    /// The live session of this kind with this token hash: not revoked,
    /// not expired at `now`.
    pub async fn web_session(
        &self,
        token_hash: &str,
        kind: WebSessionKind,
        now: Timestamp,
    ) -> Result<Option<WebSessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, agent_id, customer_id, expires_at FROM web_sessions \
             WHERE token_hash = $1 AND kind = $2 AND revoked_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(kind.as_str())
        .bind(now.0)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let owner = match (
            kind,
            row.try_get::<Option<i64>, _>("agent_id")?,
            row.try_get::<Option<i64>, _>("customer_id")?,
        ) {
            (WebSessionKind::Agent, Some(a), None) => SessionOwner::Agent(AgentId(a)),
            (WebSessionKind::Customer, None, Some(c)) => SessionOwner::Customer(CustomerId(c)),
            _ => return Err(StoreError::Corrupt("a web session of two owners".into())),
        };
        Ok(Some(WebSessionRecord {
            id: row.try_get("id")?,
            owner,
            expires_at: Timestamp(row.try_get("expires_at")?),
        }))
    }

    /// Ends a session (sign-out).
    pub async fn revoke_web_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(Timestamp::now().0)
        .bind(token_hash)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Ends every session of an agent (password change, deactivation).
    pub async fn revoke_agent_web_sessions(&self, agent: AgentId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE agent_id = $2 AND revoked_at IS NULL",
        )
        .bind(Timestamp::now().0)
        .bind(agent.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Deletes sessions that ended before `before`; returns how many.
    pub async fn prune_web_sessions(&self, before: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE expires_at < $1")
            .bind(before.0)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }
}
