//! Promises made to customers: written with the reply that made them,
//! settled once (kept, broken or dropped), listed and counted per owner,
//! team and ticket.

use crate::rows::parse;
use crate::write_tx::WriteTx;
use crate::{Store, StoreError};
use rapport_core::{AgentId, MessageId, PromiseId, PromiseStatus, TeamId, TicketId, Timestamp};
use sqlx::{AssertSqlSafe, Row};

/// A promise to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromise {
    /// The ticket it was made on.
    pub ticket_id: TicketId,
    /// The reply that made it.
    pub message_id: Option<MessageId>,
    /// Whose it is to keep (the sender of the reply).
    pub owner_id: AgentId,
    /// The ticket's team when it was made.
    pub team_id: Option<TeamId>,
    /// The sentence.
    pub text: String,
    /// When it is due.
    pub due_at: Timestamp,
}

/// A stored promise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRecord {
    /// Its id.
    pub id: PromiseId,
    /// The ticket it was made on.
    pub ticket_id: TicketId,
    /// The reply that made it.
    pub message_id: Option<MessageId>,
    /// Whose it is to keep.
    pub owner_id: AgentId,
    /// The ticket's team when it was made.
    pub team_id: Option<TeamId>,
    /// The sentence.
    pub text: String,
    /// When it is due.
    pub due_at: Timestamp,
    /// Where it stands.
    pub status: PromiseStatus,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was kept, broken or dropped.
    pub settled_at: Option<Timestamp>,
    /// The message to the customer prepared when it broke.
    pub recovery_draft: Option<String>,
}

impl PromiseRecord {
    /// Whether it was kept by its due time.
    pub fn kept_on_time(&self) -> bool {
        self.status == PromiseStatus::Kept && self.settled_at.is_some_and(|at| at <= self.due_at)
    }
}

/// Which promises a list or a count covers (all given conditions hold).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromiseFilter {
    /// Whose.
    pub owner: Option<AgentId>,
    /// Of which team.
    pub team: Option<TeamId>,
    /// On which ticket.
    pub ticket: Option<TicketId>,
    /// In which state.
    pub status: Option<PromiseStatus>,
}

/// How many promises ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromiseCounts {
    /// Still open.
    pub open: i64,
    /// Kept by their due time.
    pub kept_on_time: i64,
    /// Kept after it.
    pub kept_late: i64,
    /// Broken.
    pub broken: i64,
    /// Dropped.
    pub dropped: i64,
}

const COLUMNS: &str = "id, ticket_id, message_id, owner_id, team_id, text, due_at, status, \
                       created_at, settled_at, recovery_draft";

impl PromiseFilter {
    /// The WHERE clause (numbered from `$first`) and its values.
    fn clause(&self, first: usize) -> (String, Vec<Bound>) {
        let mut parts = Vec::new();
        let mut values = Vec::new();
        let mut add = |column: &str, value: Bound| {
            values.push(value);
            parts.push(format!("{column} = ${}", first + values.len() - 1));
        };
        if let Some(owner) = self.owner {
            add("owner_id", Bound::Int(owner.0));
        }
        if let Some(team) = self.team {
            add("team_id", Bound::Int(team.0));
        }
        if let Some(ticket) = self.ticket {
            add("ticket_id", Bound::Int(ticket.0));
        }
        if let Some(status) = self.status {
            add("status", Bound::Text(status.as_str()));
        }
        let clause = if parts.is_empty() {
            "TRUE".to_string()
        } else {
            parts.join(" AND ")
        };
        (clause, values)
    }
}

/// A value bound into a filter.
enum Bound {
    Int(i64),
    Text(&'static str),
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    values: Vec<Bound>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for value in values {
        query = match value {
            Bound::Int(v) => query.bind(v),
            Bound::Text(v) => query.bind(v),
        };
    }
    query
}

impl Store {
    /// One promise.
    pub async fn promise(&self, id: PromiseId) -> Result<PromiseRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM promises WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("promise"))?;
        promise(&row)
    }

    /// Promises, newest first, before a cursor id.
    pub async fn promises(
        &self,
        filter: &PromiseFilter,
        before: Option<PromiseId>,
        limit: i64,
    ) -> Result<Vec<PromiseRecord>, StoreError> {
        let (clause, values) = filter.clause(3);
        let sql = format!(
            "SELECT {COLUMNS} FROM promises WHERE id < $1 AND {clause} ORDER BY id DESC LIMIT $2"
        );
        let query = sqlx::query(AssertSqlSafe(sql))
            .bind(before.map_or(i64::MAX, |p| p.0))
            .bind(limit.clamp(1, 500));
        let rows = bind_all(query, values).fetch_all(&self.read).await?;
        rows.iter().map(promise).collect()
    }

    /// How the promises a filter covers ended.
    pub async fn promise_counts(
        &self,
        filter: &PromiseFilter,
    ) -> Result<PromiseCounts, StoreError> {
        let (clause, values) = filter.clause(1);
        let sql = format!(
            "SELECT status, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(SUM(CASE WHEN settled_at <= due_at THEN 1 ELSE 0 END) AS BIGINT) AS on_time \
             FROM promises WHERE {clause} GROUP BY status"
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), values)
            .fetch_all(&self.read)
            .await?;
        let mut counts = PromiseCounts::default();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            match parse::<PromiseStatus>(&row.try_get::<String, _>("status")?)? {
                PromiseStatus::Open => counts.open = n,
                PromiseStatus::Kept => {
                    let on_time = row.try_get::<Option<i64>, _>("on_time")?.unwrap_or(0);
                    counts.kept_on_time = on_time;
                    counts.kept_late = n - on_time;
                }
                PromiseStatus::Broken => counts.broken = n,
                PromiseStatus::Dropped => counts.dropped = n,
            }
        }
        Ok(counts)
    }
}

impl WriteTx {
    /// Records a promise; returns its id.
    pub async fn insert_promise(&mut self, new: &NewPromise) -> Result<PromiseId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO promises (ticket_id, message_id, owner_id, team_id, text, due_at, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7) RETURNING id",
        )
        .bind(new.ticket_id.0)
        .bind(new.message_id.map(|m| m.0))
        .bind(new.owner_id.0)
        .bind(new.team_id.map(|t| t.0))
        .bind(new.text.clone())
        .bind(new.due_at.0)
        .bind(Timestamp::now().0)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(PromiseId(id))
    }

    /// A promise, read in this transaction.
    pub async fn promise(&mut self, id: PromiseId) -> Result<PromiseRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM promises WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound("promise"))?;
        promise(&row)
    }

    /// A ticket's open promises.
    pub async fn open_promises_of(
        &mut self,
        ticket: TicketId,
    ) -> Result<Vec<PromiseRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM promises WHERE ticket_id = $1 AND status = 'open' ORDER BY id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(ticket.0)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(promise).collect()
    }

    /// Settles an open promise (kept, broken or dropped), with the message
    /// prepared for the customer when it broke; false when it was not open
    /// (settled once, whoever comes first).
    pub async fn settle_promise(
        &mut self,
        id: PromiseId,
        status: PromiseStatus,
        at: Timestamp,
        recovery_draft: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE promises SET status = $1, settled_at = $2, recovery_draft = $3 \
             WHERE id = $4 AND status = 'open'",
        )
        .bind(status.as_str())
        .bind(at.0)
        .bind(recovery_draft.map(str::to_string))
        .bind(id.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves an open promise's due time; false when it is not open.
    pub async fn reschedule_promise(
        &mut self,
        id: PromiseId,
        due_at: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE promises SET due_at = $1 WHERE id = $2 AND status = 'open'")
            .bind(due_at.0)
            .bind(id.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

fn promise(row: &sqlx::any::AnyRow) -> Result<PromiseRecord, StoreError> {
    Ok(PromiseRecord {
        id: PromiseId(row.try_get("id")?),
        ticket_id: TicketId(row.try_get("ticket_id")?),
        message_id: row.try_get::<Option<i64>, _>("message_id")?.map(MessageId),
        owner_id: AgentId(row.try_get("owner_id")?),
        team_id: row.try_get::<Option<i64>, _>("team_id")?.map(TeamId),
        text: row.try_get("text")?,
        due_at: Timestamp(row.try_get("due_at")?),
        status: parse(&row.try_get::<String, _>("status")?)?,
        created_at: Timestamp(row.try_get("created_at")?),
        settled_at: row.try_get::<Option<i64>, _>("settled_at")?.map(Timestamp),
        recovery_draft: row.try_get("recovery_draft")?,
    })
}
