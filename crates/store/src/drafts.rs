//! Reply drafts saved as an agent types, one per agent and ticket.

use crate::{Store, StoreError, WriteTx};
use rapport_core::{AgentId, TicketId, Timestamp};
use sqlx::Row;

impl Store {
    /// Saves (or replaces) an agent's draft on a ticket.
    pub async fn save_draft(
        &self,
        ticket: TicketId,
        agent: AgentId,
        body: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reply_drafts (ticket_id, agent_id, body, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (ticket_id, agent_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .bind(body)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// An agent's draft on a ticket and when it was saved.
    pub async fn draft(
        &self,
        ticket: TicketId,
        agent: AgentId,
    ) -> Result<Option<(String, Timestamp)>, StoreError> {
        let row = sqlx::query(
            "SELECT body, updated_at FROM reply_drafts WHERE ticket_id = $1 AND agent_id = $2",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .fetch_optional(&self.read)
        .await?;
        row.map(|r| Ok((r.try_get("body")?, Timestamp(r.try_get("updated_at")?))))
            .transpose()
    }

    /// Deletes an agent's draft on a ticket.
    pub async fn delete_draft(&self, ticket: TicketId, agent: AgentId) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reply_drafts WHERE ticket_id = $1 AND agent_id = $2")
            .bind(ticket.0)
            .bind(agent.0)
            .execute(&self.write)
            .await?;
        Ok(())
    }
}

impl WriteTx {
    /// Deletes an agent's draft on a ticket with the reply that sends it.
    pub async fn delete_draft(
        &mut self,
        ticket: TicketId,
        agent: AgentId,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reply_drafts WHERE ticket_id = $1 AND agent_id = $2")
            .bind(ticket.0)
            .bind(agent.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
