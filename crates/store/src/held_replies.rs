//! Replies held for undo send: written when the agent sends, taken back
//! (undone) before `release_at`, or claimed after it by a worker that stores
//! them on the ticket in the transaction that marks them released.

use crate::rows::parse;
use crate::{Backend, Store, StoreError, WriteTx};
use rapport_core::{AgentId, MessageId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};

/// Where a held reply is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeldStatus {
    /// Waiting for its release time; its sender may still undo it.
    Held,
    /// Claimed by a worker that is storing it.
    Releasing,
    /// Stored on the ticket (and queued as mail).
    Released,
    /// Taken back by its sender; the text went back to the draft.
    Undone,
    /// Refused when released; the text went back to the draft.
    Failed,
}

rapport_core::str_enum!(HeldStatus {
    HeldStatus::Held => "held",
    HeldStatus::Releasing => "releasing",
    HeldStatus::Released => "released",
    HeldStatus::Undone => "undone",
    HeldStatus::Failed => "failed",
});

/// A reply to hold.
#[derive(Debug, Clone)]
pub struct NewHeldReply {
    /// The ticket it answers.
    pub ticket_id: TicketId,
    /// Its sender.
    pub agent_id: AgentId,
    /// The text.
    pub body: String,
    /// Why it goes out past blocking coach findings.
    pub override_reason: Option<String>,
    /// The sender's uploads to attach (JSON list of ids).
    pub attachment_ids: String,
    /// The sender's promise decisions (JSON, the app's shape).
    pub decisions: String,
    /// When it leaves unless undone.
    pub release_at: Timestamp,
}

/// A held reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldReply {
    /// Its id.
    pub id: i64,
    /// The ticket it answers.
    pub ticket_id: TicketId,
    /// Its sender.
    pub agent_id: AgentId,
    /// The text.
    pub body: String,
    /// Why it goes out past blocking coach findings.
    pub override_reason: Option<String>,
    /// The uploads to attach (JSON list of ids).
    pub attachment_ids: String,
    /// The promise decisions (JSON).
    pub decisions: String,
    /// Where it is.
    pub status: HeldStatus,
    /// When it leaves unless undone.
    pub release_at: Timestamp,
    /// The message it became, once released.
    pub message_id: Option<MessageId>,
    /// Why its release was refused.
    pub last_error: Option<String>,
    /// When it was sent.
    pub created_at: Timestamp,
    /// When it was released, undone or given up.
    pub finished_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, ticket_id, agent_id, body, override_reason, attachment_ids, decisions, \
    status, release_at, message_id, last_error, created_at, finished_at";

fn record(row: &sqlx::any::AnyRow) -> Result<HeldReply, StoreError> {
    Ok(HeldReply {
        id: row.try_get("id")?,
        ticket_id: TicketId(row.try_get("ticket_id")?),
        agent_id: AgentId(row.try_get("agent_id")?),
        body: row.try_get("body")?,
        override_reason: row.try_get("override_reason")?,
        attachment_ids: row.try_get("attachment_ids")?,
        decisions: row.try_get("decisions")?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        release_at: Timestamp(row.try_get("release_at")?),
        message_id: row.try_get::<Option<i64>, _>("message_id")?.map(MessageId),
        last_error: row.try_get("last_error")?,
        created_at: Timestamp(row.try_get("created_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(Timestamp),
    })
}

/// Colleagues' replies on a ticket still in their undo window (held or
/// being released), after `after`, oldest first: what a collision check
/// counts besides stored messages.
async fn pending_by_others<'e, E>(
    executor: E,
    (ticket, agent): (TicketId, AgentId),
    after: i64,
    limit: i64,
) -> Result<Vec<HeldReply>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT {COLUMNS} FROM held_replies WHERE ticket_id = $1 AND agent_id <> $2 AND id > $3 \
         AND status IN ('held', 'releasing') ORDER BY id LIMIT $4"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(ticket.0)
        .bind(agent.0)
        .bind(after)
        .bind(limit.clamp(1, 1000))
        .fetch_all(executor)
        .await?
        .iter()
        .map(record)
        .collect()
}

/// The messages that held replies up to `upto` on a ticket became: a
/// sender who was shown those replies while held has seen them.
async fn released_upto<'e, E>(
    executor: E,
    ticket: TicketId,
    upto: i64,
) -> Result<Vec<MessageId>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if upto <= 0 {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar::<_, i64>(
        "SELECT message_id FROM held_replies WHERE ticket_id = $1 AND id <= $2 \
         AND message_id IS NOT NULL",
    )
    .bind(ticket.0)
    .bind(upto)
    .fetch_all(executor)
    .await?
    .into_iter()
    .map(MessageId)
    .collect())
}

impl WriteTx {
    /// Colleagues' replies on the ticket still in their undo window, after
    /// `after` (in this transaction, for the collision check).
    pub async fn pending_by_others(
        &mut self,
        ticket: TicketId,
        agent: AgentId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<HeldReply>, StoreError> {
        pending_by_others(&mut *self.tx, (ticket, agent), after, limit).await
    }

    /// The messages held replies up to `upto` on the ticket became.
    pub async fn released_upto(
        &mut self,
        ticket: TicketId,
        upto: i64,
    ) -> Result<Vec<MessageId>, StoreError> {
        released_upto(&mut *self.tx, ticket, upto).await
    }

    /// Holds a reply in this transaction (with the draft it empties).
    pub async fn hold_reply(&mut self, reply: &NewHeldReply) -> Result<HeldReply, StoreError> {
        let sql = format!(
            "INSERT INTO held_replies (ticket_id, agent_id, body, override_reason, attachment_ids, \
             decisions, status, release_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'held', $7, $8) \
             RETURNING {COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(reply.ticket_id.0)
            .bind(reply.agent_id.0)
            .bind(&reply.body)
            .bind(reply.override_reason.as_deref())
            .bind(&reply.attachment_ids)
            .bind(&reply.decisions)
            .bind(reply.release_at.0)
            .bind(Timestamp::now().0)
            .fetch_one(&mut *self.tx)
            .await?;
        record(&row)
    }

    /// Takes a held reply back for its sender, if it is still held and
    /// `now` is before its release time; the text goes back to the draft
    /// in the same transaction. `None` when it can no longer be undone.
    pub async fn undo_held(
        &mut self,
        id: i64,
        agent: AgentId,
        now: Timestamp,
    ) -> Result<Option<HeldReply>, StoreError> {
        let sql = format!(
            "UPDATE held_replies SET status = 'undone', finished_at = $1 \
             WHERE id = $2 AND agent_id = $3 AND status = 'held' AND release_at > $1 \
             RETURNING {COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(now.0)
            .bind(id)
            .bind(agent.0)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let held = record(&row)?;
        self.restore_draft(held.ticket_id, agent, &held.body, now)
            .await?;
        Ok(Some(held))
    }

    /// Marks a claimed reply released as `message`, in the transaction that
    /// stores it. False when its claim was lost (another worker has it).
    pub async fn release_held(
        &mut self,
        id: i64,
        message: MessageId,
        claim: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE held_replies SET status = 'released', message_id = $1, finished_at = $2, \
             lease_until = NULL WHERE id = $3 AND status = 'releasing' AND lease_until = $4",
        )
        .bind(message.0)
        .bind(Timestamp::now().0)
        .bind(id)
        .bind(claim.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts text back into an agent's draft, after whatever the draft holds.
    async fn restore_draft(
        &mut self,
        ticket: TicketId,
        agent: AgentId,
        body: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let current: Option<String> = sqlx::query_scalar(
            "SELECT body FROM reply_drafts WHERE ticket_id = $1 AND agent_id = $2",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        let text = match current.filter(|c| !c.trim().is_empty()) {
            Some(current) => format!("{body}\n\n{current}"),
            None => body.to_string(),
        };
        sqlx::query(
            "INSERT INTO reply_drafts (ticket_id, agent_id, body, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (ticket_id, agent_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(ticket.0)
        .bind(agent.0)
        .bind(text)
        .bind(now.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Gives a claimed reply up with the reason; its text goes back to the draft.
    pub async fn held_failed(
        &mut self,
        held: &HeldReply,
        claim: Timestamp,
        error: &str,
    ) -> Result<bool, StoreError> {
        let now = Timestamp::now();
        let done = sqlx::query(
            "UPDATE held_replies SET status = 'failed', last_error = $1, finished_at = $2, \
             lease_until = NULL WHERE id = $3 AND status = 'releasing' AND lease_until = $4",
        )
        .bind(error)
        .bind(now.0)
        .bind(held.id)
        .bind(claim.0)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        self.restore_draft(held.ticket_id, held.agent_id, &held.body, now)
            .await?;
        Ok(true)
    }
}

impl Store {
    /// Claims up to `limit` replies whose release time has come (and any
    /// whose earlier claim ran out), leased until `lease_until`, which also
    /// identifies the claim.
    pub async fn claim_held_replies(
        &self,
        limit: i64,
        lease_until: Timestamp,
    ) -> Result<Vec<HeldReply>, StoreError> {
        let skip_locked = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE held_replies SET status = 'releasing', lease_until = $1 \
             WHERE id IN (SELECT id FROM held_replies WHERE (status = 'held' AND release_at <= $2) \
             OR (status = 'releasing' AND lease_until < $2) ORDER BY id LIMIT $3{skip_locked}) \
             RETURNING {COLUMNS}"
        );
        let mut held = sqlx::query(AssertSqlSafe(sql))
            .bind(lease_until.0)
            .bind(Timestamp::now().0)
            .bind(limit.clamp(1, 100))
            .fetch_all(&self.write)
            .await?
            .iter()
            .map(record)
            .collect::<Result<Vec<_>, _>>()?;
        held.sort_by_key(|h| h.id);
        Ok(held)
    }

    /// The release time of the earliest held reply, for the worker's sleep.
    pub async fn next_held_release(&self) -> Result<Option<Timestamp>, StoreError> {
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(release_at) FROM held_replies WHERE status = 'held'")
                .fetch_one(&self.read)
                .await?;
        Ok(next.map(Timestamp))
    }

    /// One held reply.
    pub async fn held_reply(&self, id: i64) -> Result<HeldReply, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM held_replies WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("held reply"))?;
        record(&row)
    }

    /// Colleagues' replies on the ticket still in their undo window, after `after`.
    pub async fn pending_by_others(
        &self,
        ticket: TicketId,
        agent: AgentId,
        after: i64,
        limit: i64,
    ) -> Result<Vec<HeldReply>, StoreError> {
        pending_by_others(&self.read, (ticket, agent), after, limit).await
    }

    /// The messages held replies up to `upto` on the ticket became.
    pub async fn released_upto(
        &self,
        ticket: TicketId,
        upto: i64,
    ) -> Result<Vec<MessageId>, StoreError> {
        released_upto(&self.read, ticket, upto).await
    }

    /// An agent's replies on a ticket still waiting to leave, oldest first.
    pub async fn held_replies_of(
        &self,
        ticket: TicketId,
        agent: AgentId,
    ) -> Result<Vec<HeldReply>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM held_replies WHERE ticket_id = $1 AND agent_id = $2 \
             AND status IN ('held', 'releasing') ORDER BY id"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.0)
            .bind(agent.0)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(record)
            .collect()
    }
}
