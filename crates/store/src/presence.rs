//! Who has a ticket open in the workspace (and is writing a reply), kept in
//! the database so agents on different servers see each other, and the
//! messages a sender has not seen yet (the collision check of a reply).

use crate::tickets::message_record;
use crate::{MessageRecord, Store, StoreError, WriteTx};
use rapport_core::{AgentId, MessageId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};

/// An agent on a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRecord {
    /// The ticket.
    pub ticket_id: TicketId,
    /// The agent.
    pub agent_id: AgentId,
    /// The agent's name.
    pub name: String,
    /// Writing a reply (not just reading).
    pub replying: bool,
    /// Their last heartbeat.
    pub seen_at: Timestamp,
}

/// A change of who is on a ticket, as the live feed reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PresenceChange {
    /// The ticket.
    pub ticket_id: TicketId,
    /// The agent.
    pub agent_id: AgentId,
    /// When it changed (or when the agent's heartbeat stopped).
    pub at: Timestamp,
}

impl Store {
    /// Records an agent's heartbeat on a ticket at `now`. `changed_at`
    /// moves only when the agent arrives (again, or after `expired_before`),
    /// starts or stops writing.
    pub async fn touch_presence(
        &self,
        ticket: TicketId,
        agent: AgentId,
        replying: bool,
        now: Timestamp,
        expired_before: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ticket_presence (ticket_id, agent_id, replying, seen_at, changed_at, left_at) \
             VALUES ($1, $2, $3, $4, $4, NULL) \
             ON CONFLICT (ticket_id, agent_id) DO UPDATE SET \
             changed_at = CASE WHEN ticket_presence.replying <> excluded.replying \
               OR ticket_presence.left_at IS NOT NULL OR ticket_presence.seen_at <= $5 \
               THEN excluded.changed_at ELSE ticket_presence.changed_at END, \
             replying = excluded.replying, seen_at = excluded.seen_at, left_at = NULL",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .bind(i64::from(replying))
        .bind(now.0)
        .bind(expired_before.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records that an agent left a ticket (closed or left its page).
    pub async fn leave_presence(
        &self,
        ticket: TicketId,
        agent: AgentId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE ticket_presence SET left_at = $3, changed_at = $3, replying = 0 \
             WHERE ticket_id = $1 AND agent_id = $2 AND left_at IS NULL",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Who is on these tickets: heartbeats after `alive_after`, not left,
    /// by ticket and name.
    pub async fn presence_on(
        &self,
        tickets: &[TicketId],
        alive_after: Timestamp,
    ) -> Result<Vec<PresenceRecord>, StoreError> {
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (2..tickets.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.ticket_id, p.agent_id, a.name, p.replying, p.seen_at \
             FROM ticket_presence p JOIN agents a ON a.id = p.agent_id \
             WHERE p.seen_at > $1 AND p.left_at IS NULL AND p.ticket_id IN ({}) \
             ORDER BY p.ticket_id, a.name, p.agent_id",
            list.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(alive_after.0);
        for id in tickets {
            query = query.bind(id.0);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                Ok(PresenceRecord {
                    ticket_id: TicketId(row.try_get("ticket_id")?),
                    agent_id: AgentId(row.try_get("agent_id")?),
                    name: row.try_get("name")?,
                    replying: row.try_get::<i64, _>("replying")? != 0,
                    seen_at: Timestamp(row.try_get("seen_at")?),
                })
            })
            .collect()
    }

    /// The presence changes after `since`, and the heartbeats that stopped
    /// in the same window (`timeout` later), up to `now`: what the live feed
    /// announces.
    pub async fn presence_changes(
        &self,
        since: Timestamp,
        now: Timestamp,
        timeout: i64,
    ) -> Result<Vec<PresenceChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT ticket_id, agent_id, changed_at AS at FROM ticket_presence \
             WHERE changed_at > $1 AND changed_at <= $2 \
             UNION ALL \
             SELECT ticket_id, agent_id, seen_at AS at FROM ticket_presence \
             WHERE left_at IS NULL AND seen_at > $3 AND seen_at <= $4 \
             LIMIT 1000",
        )
        .bind(since.0)
        .bind(now.0)
        .bind(since.0 - timeout)
        .bind(now.0 - timeout)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PresenceChange {
                    ticket_id: TicketId(row.try_get("ticket_id")?),
                    agent_id: AgentId(row.try_get("agent_id")?),
                    at: Timestamp(row.try_get("at")?),
                })
            })
            .collect()
    }

    /// Forgets presence rows older than `before` (heartbeats long stopped).
    pub async fn prune_presence(&self, before: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM ticket_presence WHERE seen_at < $1")
            .bind(before.0)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }
}

impl WriteTx {
    /// A ticket's messages after `seen`, oldest first (at most `limit`), read
    /// in this transaction: after [`WriteTx::ticket_locked`], nobody can add
    /// one before it commits.
    pub async fn messages_after(
        &mut self,
        ticket: TicketId,
        seen: MessageId,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket_id, kind, author_kind, author_id, entered_by, body_text, body_html, created_at \
             FROM messages WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(ticket.0)
        .bind(seen.0)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(message_record).collect()
    }
}
