//! The durable scheduler's table: timers and jobs kept in the database.
//!
//! A job is written through a [`WriteTx`], in the same transaction as the
//! change that causes it, so it exists exactly when that change does. A
//! worker claims due jobs under a lease (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so two servers never take the same job; SQLite has one
//! writer), runs them, and marks them done in the transaction that holds
//! their effect, and only while it still holds the lease: a job fires once.
//! A worker that dies leaves its jobs `running` until the lease runs out;
//! [`Store::release_expired_leases`] then makes them pending again.

use crate::rows::{parse, value_rows};
use crate::write_tx::WriteTx;
use crate::{Backend, Store, StoreError};
use rapport_core::Timestamp;
use sqlx::{AssertSqlSafe, Row};

/// What a job does. Each kind has its handler in `rapport-app`'s scheduler;
/// a new kind is a variant here, its stored name in [`str_enum`] below and a
/// migration that widens the `jobs.kind` check (see 0010_jobs.sql).
///
/// [`str_enum`]: rapport_core::str_enum
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A timer that only records that it fired (`probe_firings`): the
    /// scheduler's benchmark and its exactly-once checks.
    Probe,
    /// Reminds a promise's owner before it falls due.
    PromiseReminder,
    /// At a promise's due time: broken if still open.
    PromiseDue,
    /// Composes and queues the acknowledgment of a new request (outside
    /// the intake's transaction).
    Acknowledge,
    /// Mails an agent that a response target is close or missed (due in
    /// business hours when so configured).
    SlaEscalation,
    /// Asks the customer of a solved ticket how it went (unless reopened,
    /// asked before, or the address bounces or is automatic).
    Survey,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for its due time (or its next attempt).
    Pending,
    /// Claimed by a worker under a lease.
    Running,
    /// Ran; its effect is committed.
    Done,
    /// Given up after its last attempt, or refused for good.
    Failed,
}

rapport_core::str_enum!(JobKind {
    JobKind::Probe => "probe",
    JobKind::PromiseReminder => "promise_reminder",
    JobKind::PromiseDue => "promise_due",
    JobKind::Acknowledge => "acknowledge",
    JobKind::SlaEscalation => "sla_escalation",
    JobKind::Survey => "survey",
});
rapport_core::str_enum!(JobStatus {
    JobStatus::Pending => "pending",
    JobStatus::Running => "running",
    JobStatus::Done => "done",
    JobStatus::Failed => "failed",
});

/// A job to schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// What it does.
    pub kind: JobKind,
    /// When it is due.
    pub due_at: Timestamp,
    /// The kind's parameters (JSON).
    pub payload: String,
    /// What it is about; a pending job of the same kind and key is replaced.
    pub key: Option<String>,
}

/// A stored job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Its id.
    pub id: i64,
    /// What it does.
    pub kind: JobKind,
    /// When it is (next) due.
    pub due_at: Timestamp,
    /// The kind's parameters (JSON).
    pub payload: String,
    /// What it is about.
    pub key: Option<String>,
    /// Pending, running, done or failed.
    pub status: JobStatus,
    /// Attempts so far, counting the one under way.
    pub attempts: i64,
    /// The worker holding it.
    pub lease_owner: Option<String>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When scheduled.
    pub created_at: Timestamp,
    /// When done or given up.
    pub finished_at: Option<Timestamp>,
}

/// Jobs per kind and status, for `rapport jobs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobCount {
    /// The kind.
    pub kind: JobKind,
    /// The status.
    pub status: JobStatus,
    /// How many.
    pub count: i64,
}

/// What the probe timers recorded: the proof that each fired once, and when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeReport {
    /// Firings recorded.
    pub firings: i64,
    /// Distinct jobs that fired.
    pub jobs_fired: i64,
    /// Jobs that fired more than once.
    pub fired_twice: i64,
    /// Firings per worker.
    pub by_worker: Vec<(String, i64)>,
    /// Latest firing minus due time, in microseconds.
    pub max_delay_micros: i64,
    /// Earliest firing minus due time (negative: a timer fired early).
    pub min_delay_micros: i64,
    /// The earliest due time and the latest firing.
    pub first_due: Option<Timestamp>,
    /// The latest firing.
    pub last_fired: Option<Timestamp>,
}

const COLUMNS: &str = "id, kind, due_at, payload, job_key, status, attempts, lease_owner, last_error, created_at, finished_at";

fn record(row: &sqlx::any::AnyRow) -> Result<JobRecord, StoreError> {
    Ok(JobRecord {
        id: row.try_get("id")?,
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        due_at: Timestamp(row.try_get("due_at")?),
        payload: row.try_get("payload")?,
        key: row.try_get("job_key")?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        attempts: row.try_get("attempts")?,
        lease_owner: row.try_get("lease_owner")?,
        last_error: row.try_get("last_error")?,
        created_at: Timestamp(row.try_get("created_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(Timestamp),
    })
}

/// Rows per multi-row statement (five parameters each).
const CHUNK: usize = 400;

impl WriteTx {
    /// Schedules jobs in this transaction, a few hundred per statement. A
    /// keyed job replaces the pending job of its kind and key. The scheduler
    /// in this process is woken when the transaction commits.
    pub async fn schedule_jobs(&mut self, jobs: &[NewJob]) -> Result<u64, StoreError> {
        for job in jobs {
            if let Some(key) = &job.key {
                self.cancel_jobs(job.kind, key).await?;
            }
        }
        let now = Timestamp::now();
        let mut written = 0;
        for chunk in jobs.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO jobs (kind, due_at, payload, job_key, created_at) VALUES {}",
                value_rows(chunk.len(), 5)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for job in chunk {
                query = query
                    .bind(job.kind.as_str())
                    .bind(job.due_at.0)
                    .bind(job.payload.clone())
                    .bind(job.key.clone())
                    .bind(now.0);
            }
            written += query.execute(&mut *self.tx).await?.rows_affected();
        }
        if written > 0 {
            self.jobs_scheduled = true;
        }
        Ok(written)
    }

    /// Schedules one job; returns its id.
    pub async fn schedule_job(&mut self, job: &NewJob) -> Result<i64, StoreError> {
        if let Some(key) = &job.key {
            self.cancel_jobs(job.kind, key).await?;
        }
        let id = sqlx::query_scalar(
            "INSERT INTO jobs (kind, due_at, payload, job_key, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(job.kind.as_str())
        .bind(job.due_at.0)
        .bind(job.payload.clone())
        .bind(job.key.clone())
        .bind(Timestamp::now().0)
        .fetch_one(&mut *self.tx)
        .await?;
        self.jobs_scheduled = true;
        Ok(id)
    }

    /// Deletes the pending job of a kind and key (one that is running goes
    /// on); returns how many were.
    pub async fn cancel_jobs(&mut self, kind: JobKind, key: &str) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM jobs WHERE kind = $1 AND job_key = $2 AND status = 'pending'")
                .bind(kind.as_str())
                .bind(key)
                .execute(&mut *self.tx)
                .await?;
        Ok(done.rows_affected())
    }

    /// Marks claimed jobs done, in the transaction that holds their effect,
    /// and only those this worker still holds; returns how many it did. When
    /// that is fewer than given, a lease was lost and the caller rolls back.
    pub async fn finish_jobs(&mut self, ids: &[i64], worker: &str) -> Result<u64, StoreError> {
        let now = Timestamp::now();
        let mut done = 0;
        for chunk in ids.chunks(CHUNK) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 3))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "UPDATE jobs SET status = 'done', finished_at = $1, lease_until = NULL, last_error = NULL \
                 WHERE lease_owner = $2 AND status = 'running' AND id IN ({list})"
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now.0).bind(worker);
            for id in chunk {
                query = query.bind(*id);
            }
            done += query.execute(&mut *self.tx).await?.rows_affected();
        }
        Ok(done)
    }

    /// Records that a probe timer fired, in the transaction that marks it done.
    pub async fn record_probe_firing(
        &mut self,
        job: &JobRecord,
        label: &str,
        worker: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO probe_firings (job_id, label, due_at, fired_at, fired_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(job.id)
        .bind(label)
        .bind(job.due_at.0)
        .bind(Timestamp::now().0)
        .bind(worker)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Claims up to `limit` due jobs, earliest first, leasing them to
    /// `worker` until `lease_until`; each claim counts as an attempt.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        limit: i64,
        lease_until: Timestamp,
    ) -> Result<Vec<JobRecord>, StoreError> {
        self.claim_jobs_of(None, worker, limit, lease_until).await
    }

    /// [`Self::claim_jobs`], of one kind only when `kind` is given.
    pub async fn claim_jobs_of(
        &self,
        kind: Option<JobKind>,
        worker: &str,
        limit: i64,
        lease_until: Timestamp,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let skip_locked = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let of_kind = if kind.is_some() { " AND kind = $5" } else { "" };
        let sql = format!(
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs WHERE status = 'pending' AND due_at <= $3{of_kind} \
             ORDER BY due_at, id LIMIT $4{skip_locked}) RETURNING {COLUMNS}"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(worker)
            .bind(lease_until.0)
            .bind(Timestamp::now().0)
            .bind(limit.clamp(1, 2000));
        if let Some(kind) = kind {
            query = query.bind(kind.as_str());
        }
        let rows = query.fetch_all(&self.write).await?;
        let mut jobs = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
        jobs.sort_by_key(|j| (j.due_at, j.id));
        Ok(jobs)
    }

    /// Makes the jobs whose lease ran out (their worker died or hung)
    /// pending again; returns how many.
    pub async fn release_expired_leases(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_until = NULL \
             WHERE status = 'running' AND lease_until < $1",
        )
        .bind(Timestamp::now().0)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected())
    }

    /// Puts a claimed job back to be tried again at `next`, if `worker` still holds it.
    pub async fn retry_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'pending', due_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL \
             WHERE id = $3 AND lease_owner = $4 AND status = 'running'",
        )
        .bind(next.0)
        .bind(error)
        .bind(id)
        .bind(worker)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a claimed job up, if `worker` still holds it.
    pub async fn fail_job(&self, id: i64, worker: &str, error: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'failed', last_error = $1, finished_at = $2, lease_owner = NULL, lease_until = NULL \
             WHERE id = $3 AND lease_owner = $4 AND status = 'running'",
        )
        .bind(error)
        .bind(Timestamp::now().0)
        .bind(id)
        .bind(worker)
        .execute(&self.write)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// When the next pending job is due, if any.
    pub async fn next_job_due(&self) -> Result<Option<Timestamp>, StoreError> {
        let due: Option<i64> =
            sqlx::query_scalar("SELECT MIN(due_at) FROM jobs WHERE status = 'pending'")
                .fetch_one(&self.read)
                .await?;
        Ok(due.map(Timestamp))
    }

    /// One job.
    pub async fn job(&self, id: i64) -> Result<JobRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("job"))?;
        record(&row)
    }

    /// How many jobs there are per kind and status.
    pub async fn job_counts(&self) -> Result<Vec<JobCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status ORDER BY kind, status",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(JobCount {
                    kind: parse(&row.try_get::<String, _>("kind")?)?,
                    status: parse(&row.try_get::<String, _>("status")?)?,
                    count: row.try_get("n")?,
                })
            })
            .collect()
    }

    /// What the probe timers with a label recorded.
    pub async fn probe_report(&self, label: &str) -> Result<ProbeReport, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS firings, COUNT(DISTINCT job_id) AS jobs, \
             COALESCE(MAX(fired_at - due_at), 0) AS max_delay, COALESCE(MIN(fired_at - due_at), 0) AS min_delay, MIN(due_at) AS first_due, MAX(fired_at) AS last_fired \
             FROM probe_firings WHERE label = $1",
        )
        .bind(label)
        .fetch_one(&self.read)
        .await?;
        let fired_twice: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT job_id FROM probe_firings WHERE label = $1 \
             GROUP BY job_id HAVING COUNT(*) > 1) AS twice",
        )
        .bind(label)
        .fetch_one(&self.read)
        .await?;
        let by_worker = sqlx::query(
            "SELECT fired_by, COUNT(*) AS n FROM probe_firings WHERE label = $1 GROUP BY fired_by ORDER BY fired_by",
        )
        .bind(label)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("fired_by")?, r.try_get("n")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ProbeReport {
            firings: row.try_get("firings")?,
            jobs_fired: row.try_get("jobs")?,
            fired_twice,
            by_worker,
            max_delay_micros: row.try_get("max_delay")?,
            min_delay_micros: row.try_get("min_delay")?,
            first_due: row.try_get::<Option<i64>, _>("first_due")?.map(Timestamp),
            last_fired: row.try_get::<Option<i64>, _>("last_fired")?.map(Timestamp),
        })
    }

    /// Waits until a transaction of this process that scheduled jobs commits.
    pub async fn jobs_scheduled(&self) {
        self.job_signal.notified().await;
    }
}
