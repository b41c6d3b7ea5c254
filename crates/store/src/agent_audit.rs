//! What admins did to other agents' accounts (migration 0028): who, to
//! whom, what and when. Never a password or a link.

use crate::{Store, StoreError};
use rapport_core::{AgentId, Timestamp};
use sqlx::Row;

/// Something done to an agent's account by another agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// An admin set a new password (sessions and throttle cleared).
    PasswordReset,
}

rapport_core::str_enum!(AuditAction {
    AuditAction::PasswordReset => "password_reset",
});

/// One line of the agents' audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// Its id.
    pub id: i64,
    /// Who did it.
    pub actor: AgentId,
    /// To whom.
    pub agent: AgentId,
    /// What.
    pub action: AuditAction,
    /// When.
    pub at: Timestamp,
}

impl Store {
    /// Records an action on an agent's account.
    pub async fn record_audit(
        &self,
        actor: AgentId,
        agent: AgentId,
        action: AuditAction,
    ) -> Result<AuditLine, StoreError> {
        let at = Timestamp::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agent_audit (actor_id, agent_id, action, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(actor.0)
        .bind(agent.0)
        .bind(action.as_str())
        .bind(at.0)
        .fetch_one(&self.write)
        .await?;
        Ok(AuditLine {
            id,
            actor,
            agent,
            action,
            at,
        })
    }

    /// The latest lines about one agent, newest first.
    pub async fn audit_of(&self, agent: AgentId, limit: i64) -> Result<Vec<AuditLine>, StoreError> {
        sqlx::query(
            "SELECT id, actor_id, agent_id, action, created_at FROM agent_audit \
             WHERE agent_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(agent.0)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|row| {
            Ok(AuditLine {
                id: row.try_get("id")?,
                actor: AgentId(row.try_get("actor_id")?),
                agent: AgentId(row.try_get("agent_id")?),
                action: crate::rows::parse(&row.try_get::<String, _>("action")?)?,
                at: Timestamp(row.try_get("created_at")?),
            })
        })
        .collect()
    }
}
