//! Customer feedback: satisfaction surveys (one per ticket, ever), recovery
//! tasks for leads (a low rating, a negative review), and imported public
//! reviews (unique by source and id). Written in the transaction of the
//! ticket change they belong to.

use crate::rows::parse;
use crate::{Store, StoreError, WriteTx};
use rapport_core::{
    AgentId, CustomerId, RecoveryOutcome, RecoverySource, Role, TeamId, TicketId, Timestamp,
};
use sqlx::Row;

/// A ticket's survey: when it was asked and the latest answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRecord {
    /// The ticket it asks about.
    pub ticket_id: TicketId,
    /// Whom it asks.
    pub customer_id: CustomerId,
    /// When it was asked.
    pub asked_at: Timestamp,
    /// Until when an answer is taken.
    pub expires_at: Timestamp,
    /// The address the survey mail went to (none: only in the portal).
    pub mailed_to: Option<String>,
    /// The latest rating.
    pub rating: Option<u8>,
    /// The latest comment.
    pub comment: Option<String>,
    /// How many answers were given.
    pub answers: i64,
    /// When the latest answer came.
    pub answered_at: Option<Timestamp>,
    /// The ticket opened for a new request in the comment.
    pub follow_up_ticket_id: Option<TicketId>,
}

/// Whether a recovery task still waits for its follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecoveryStatus {
    /// Waiting for the lead.
    Open,
    /// Followed up, with an outcome.
    Done,
}

rapport_core::str_enum!(RecoveryStatus {
    RecoveryStatus::Open => "open",
    RecoveryStatus::Done => "done",
});

/// A recovery task to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecoveryTask {
    /// The unhappy ticket.
    pub ticket_id: TicketId,
    /// A survey or a review.
    pub source: RecoverySource,
    /// The rating (1–5).
    pub rating: u8,
    /// The customer's words.
    pub words: String,
    /// The ticket's owner.
    pub owner_id: Option<AgentId>,
    /// Who follows it up (none: the admins).
    pub lead_id: Option<AgentId>,
    /// When the follow-up is due.
    pub due_at: Timestamp,
}

/// A stored recovery task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryTaskRecord {
    /// Its id.
    pub id: i64,
    /// The unhappy ticket.
    pub ticket_id: TicketId,
    /// A survey or a review.
    pub source: RecoverySource,
    /// The rating (1–5).
    pub rating: u8,
    /// The customer's words.
    pub words: String,
    /// The ticket's owner.
    pub owner_id: Option<AgentId>,
    /// Who follows it up.
    pub lead_id: Option<AgentId>,
    /// Open or done.
    pub status: RecoveryStatus,
    /// When the follow-up is due.
    pub due_at: Timestamp,
    /// When opened.
    pub created_at: Timestamp,
    /// How it ended.
    pub outcome: Option<RecoveryOutcome>,
    /// What the lead did and heard.
    pub follow_up: Option<String>,
    /// Who recorded the follow-up.
    pub closed_by: Option<AgentId>,
    /// When.
    pub closed_at: Option<Timestamp>,
}

/// Which recovery tasks to list.
#[derive(Debug, Clone, Default)]
pub struct RecoveryFilter {
    /// Only open or only done ones.
    pub status: Option<RecoveryStatus>,
    /// Only those of this lead.
    pub lead_id: Option<AgentId>,
    /// Only those of this ticket.
    pub ticket_id: Option<TicketId>,
    /// At most this many (earliest due first).
    pub limit: i64,
}

/// An imported review to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// Where it was posted.
    pub source: String,
    /// Its id there.
    pub external_id: String,
    /// The ticket it became.
    pub ticket_id: TicketId,
    /// Its rating out of 5.
    pub rating: Option<u8>,
    /// Where it can be read.
    pub url: Option<String>,
    /// When it was posted.
    pub posted_at: Option<Timestamp>,
}

const SURVEY_COLUMNS: &str = "ticket_id, customer_id, asked_at, expires_at, mailed_to, rating, comment, answers, answered_at, follow_up_ticket_id";
const TASK_COLUMNS: &str = "id, ticket_id, source, rating, words, owner_id, lead_id, status, due_at, created_at, outcome, follow_up, closed_by, closed_at";

fn rating(value: Option<i64>) -> Option<u8> {
    value.and_then(|r| u8::try_from(r).ok())
}

fn survey(row: &sqlx::any::AnyRow) -> Result<SurveyRecord, StoreError> {
    Ok(SurveyRecord {
        ticket_id: TicketId(row.try_get("ticket_id")?),
        customer_id: CustomerId(row.try_get("customer_id")?),
        asked_at: Timestamp(row.try_get("asked_at")?),
        expires_at: Timestamp(row.try_get("expires_at")?),
        mailed_to: row.try_get("mailed_to")?,
        rating: rating(row.try_get("rating")?),
        comment: row.try_get("comment")?,
        answers: row.try_get("answers")?,
        answered_at: row.try_get::<Option<i64>, _>("answered_at")?.map(Timestamp),
        follow_up_ticket_id: row
            .try_get::<Option<i64>, _>("follow_up_ticket_id")?
            .map(TicketId),
    })
}

fn task(row: &sqlx::any::AnyRow) -> Result<RecoveryTaskRecord, StoreError> {
    let agent = |name: &str| -> Result<Option<AgentId>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(name)?.map(AgentId))
    };
    Ok(RecoveryTaskRecord {
        id: row.try_get("id")?,
        ticket_id: TicketId(row.try_get("ticket_id")?),
        source: parse(&row.try_get::<String, _>("source")?)?,
        rating: rating(Some(row.try_get("rating")?)).unwrap_or(1),
        words: row.try_get("words")?,
        owner_id: agent("owner_id")?,
        lead_id: agent("lead_id")?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        due_at: Timestamp(row.try_get("due_at")?),
        created_at: Timestamp(row.try_get("created_at")?),
        outcome: row
            .try_get::<Option<String>, _>("outcome")?
            .map(|o| parse(&o))
            .transpose()?,
        follow_up: row.try_get("follow_up")?,
        closed_by: agent("closed_by")?,
        closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(Timestamp),
    })
}

impl WriteTx {
    /// Records that a ticket's customer was asked; `false` when the ticket
    /// already had its survey (a customer is asked once per ticket, ever).
    pub async fn insert_survey(
        &mut self,
        ticket: TicketId,
        customer: CustomerId,
        expires_at: Timestamp,
        mailed_to: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO surveys (ticket_id, customer_id, asked_at, expires_at, mailed_to) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id) DO NOTHING",
        )
        .bind(ticket.0)
        .bind(customer.0)
        .bind(Timestamp::now().0)
        .bind(expires_at.0)
        .bind(mailed_to)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A ticket's survey, locked until the transaction ends (PostgreSQL).
    pub async fn survey_locked(
        &mut self,
        ticket: TicketId,
    ) -> Result<Option<SurveyRecord>, StoreError> {
        let lock = self.for_update();
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE ticket_id = $1{lock}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ticket.0)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(survey).transpose()
    }

    /// Keeps an answer as the survey's latest.
    pub async fn record_survey_answer(
        &mut self,
        ticket: TicketId,
        rating: u8,
        comment: Option<&str>,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE surveys SET rating = $1, comment = $2, answered_at = $3, answers = answers + 1 \
             WHERE ticket_id = $4",
        )
        .bind(i64::from(rating))
        .bind(comment)
        .bind(at.0)
        .bind(ticket.0)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Links the ticket opened for a new request in the survey's comment.
    pub async fn set_survey_follow_up(
        &mut self,
        ticket: TicketId,
        follow_up: TicketId,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE surveys SET follow_up_ticket_id = $1 WHERE ticket_id = $2")
            .bind(follow_up.0)
            .bind(ticket.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Opens a recovery task; `None` when the ticket already has one from
    /// this source.
    pub async fn insert_recovery_task(
        &mut self,
        new: &NewRecoveryTask,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO recovery_tasks (ticket_id, source, rating, words, owner_id, lead_id, status, due_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) ON CONFLICT (ticket_id, source) DO NOTHING RETURNING id",
        )
        .bind(new.ticket_id.0)
        .bind(new.source.as_str())
        .bind(i64::from(new.rating))
        .bind(&new.words)
        .bind(new.owner_id.map(|a| a.0))
        .bind(new.lead_id.map(|a| a.0))
        .bind(new.due_at.0)
        .bind(Timestamp::now().0)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(id)
    }

    /// Records a task's follow-up; `false` when it was already done.
    pub async fn close_recovery_task(
        &mut self,
        id: i64,
        outcome: RecoveryOutcome,
        note: &str,
        by: AgentId,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE recovery_tasks SET status = 'done', outcome = $1, follow_up = $2, closed_by = $3, closed_at = $4 \
             WHERE id = $5 AND status = 'open'",
        )
        .bind(outcome.as_str())
        .bind(note)
        .bind(by.0)
        .bind(Timestamp::now().0)
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an imported review; `false` when (source, id) was imported before.
    pub async fn insert_review(&mut self, new: &NewReview) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO reviews (source, external_id, ticket_id, rating, url, posted_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source, external_id) DO NOTHING",
        )
        .bind(&new.source)
        .bind(&new.external_id)
        .bind(new.ticket_id.0)
        .bind(new.rating.map(i64::from))
        .bind(new.url.as_deref())
        .bind(new.posted_at.map(|t| t.0))
        .bind(Timestamp::now().0)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Who follows up a team's recovery tasks: its lead when set and
    /// active, else `None` (the caller falls back to the admins).
    pub async fn team_lead_of(&mut self, team: TeamId) -> Result<Option<AgentId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT a.id FROM teams t JOIN agents a ON a.id = t.lead_agent_id \
             WHERE t.id = $1 AND a.active = 1",
        )
        .bind(team.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(id.map(AgentId))
    }

    /// The active admins, lowest id first.
    pub async fn active_admins(&mut self) -> Result<Vec<AgentId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM agents WHERE role = $1 AND active = 1 ORDER BY id")
                .bind(Role::Admin.as_str())
                .fetch_all(&mut *self.tx)
                .await?;
        Ok(ids.into_iter().map(AgentId).collect())
    }

    /// A recovery task, locked until the transaction ends (PostgreSQL).
    pub async fn recovery_task_locked(
        &mut self,
        id: i64,
    ) -> Result<Option<RecoveryTaskRecord>, StoreError> {
        let lock = self.for_update();
        let sql = format!("SELECT {TASK_COLUMNS} FROM recovery_tasks WHERE id = $1{lock}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(task).transpose()
    }
}

impl Store {
    /// A ticket's survey, if it was asked.
    pub async fn survey(&self, ticket: TicketId) -> Result<Option<SurveyRecord>, StoreError> {
        let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE ticket_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(ticket.0)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(survey).transpose()
    }

    /// One recovery task.
    pub async fn recovery_task(&self, id: i64) -> Result<RecoveryTaskRecord, StoreError> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM recovery_tasks WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("recovery task"))?;
        task(&row)
    }

    /// Recovery tasks, open ones first, earliest due first.
    pub async fn recovery_tasks(
        &self,
        filter: &RecoveryFilter,
    ) -> Result<Vec<RecoveryTaskRecord>, StoreError> {
        let mut sql = format!("SELECT {TASK_COLUMNS} FROM recovery_tasks WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            n
        };
        if filter.status.is_some() {
            sql.push_str(&format!(" AND status = ${}", next()));
        }
        if filter.lead_id.is_some() {
            sql.push_str(&format!(" AND lead_id = ${}", next()));
        }
        if filter.ticket_id.is_some() {
            sql.push_str(&format!(" AND ticket_id = ${}", next()));
        }
        sql.push_str(&format!(
            " ORDER BY status DESC, due_at, id LIMIT ${}",
            next()
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(status) = filter.status {
            query = query.bind(status.as_str());
        }
        if let Some(lead) = filter.lead_id {
            query = query.bind(lead.0);
        }
        if let Some(ticket) = filter.ticket_id {
            query = query.bind(ticket.0);
        }
        let limit = if filter.limit > 0 { filter.limit } else { 100 };
        let rows = query.bind(limit).fetch_all(&self.read).await?;
        rows.iter().map(task).collect()
    }

    /// The ticket an imported review became, if (source, id) is known.
    pub async fn review_ticket(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<TicketId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT ticket_id FROM reviews WHERE source = $1 AND external_id = $2",
        )
        .bind(source)
        .bind(external_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(id.map(TicketId))
    }
}
