//! The durable scheduler's worker: claims due jobs from the `jobs` table
//! (see `rapport_store::jobs`), runs each kind's handler, and marks the jobs
//! done in the transaction that holds their effect, while it still holds
//! their lease, so a job fires once even with several servers and after a
//! `kill -9`. A failed job is retried with exponential backoff, then given up.
//!
//! A batch of claimed jobs runs in one transaction (the fast path); when any
//! of them fails, the batch is rolled back and each job runs in a
//! transaction of its own, so one bad job fails alone.

use crate::App;
use crate::AppError;
use crate::mailer::RetryPolicy;
use rapport_core::Timestamp;
use rapport_store::{JobCount, JobKind, JobRecord, NewJob, ProbeReport, StoreError, WriteTx};
use std::time::Duration;

/// How the scheduler claims, waits and retries.
#[derive(Debug, Clone)]
pub struct SchedulerPolicy {
    /// How long a claim lasts before another worker may take the job.
    pub lease: Duration,
    /// Jobs claimed (and run in one transaction) at a time.
    pub batch: i64,
    /// The longest idle wait before looking again: bounds how late a job
    /// scheduled by another process fires.
    pub idle_wait: Duration,
    /// Backoff between attempts (first delay, cap, attempts before giving up).
    pub retry: RetryPolicy,
}

impl Default for SchedulerPolicy {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(60),
            batch: 500,
            idle_wait: Duration::from_millis(500),
            retry: RetryPolicy {
                first_delay: Duration::from_secs(10),
                max_delay: Duration::from_secs(3600),
                max_attempts: 10,
                ..RetryPolicy::default()
            },
        }
    }
}

/// Why a job's handler did not finish.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    /// Worth another attempt later (the database was busy, a service down).
    #[error("{0}")]
    Retry(String),
    /// Will never work (its payload is unreadable); given up at once.
    #[error("{0}")]
    GiveUp(String),
}

impl From<AppError> for JobFailure {
    fn from(error: AppError) -> Self {
        JobFailure::Retry(error.to_string())
    }
}

impl From<StoreError> for JobFailure {
    fn from(error: StoreError) -> Self {
        JobFailure::Retry(error.to_string())
    }
}

/// What one round of the scheduler did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JobRound {
    /// Jobs claimed.
    pub claimed: usize,
    /// Ran and committed.
    pub done: usize,
    /// Put back for another attempt.
    pub retrying: usize,
    /// Given up.
    pub failed: usize,
    /// Lost to another worker (the lease ran out first); nothing committed.
    pub lost: usize,
}

/// A probe timer's parameters.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ProbePayload {
    /// A name for the run it belongs to (the benchmark's, a test's).
    pub label: String,
    /// Fail this many attempts before firing (to see the backoff work).
    #[serde(default)]
    pub fail_attempts: i64,
}

impl ProbePayload {
    /// A probe job due at `due_at`.
    pub fn job(label: &str, due_at: Timestamp) -> NewJob {
        Self::failing(label, due_at, 0)
    }

    /// A probe job that fails its first `fail_attempts` attempts.
    pub fn failing(label: &str, due_at: Timestamp, fail_attempts: i64) -> NewJob {
        let payload = Self {
            label: label.to_string(),
            fail_attempts,
        };
        NewJob {
            kind: JobKind::Probe,
            due_at,
            payload: serde_json::to_string(&payload).unwrap_or_else(|_| "{}".into()),
            key: None,
        }
    }
}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

fn jitter() -> f64 {
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    f64::from(byte[0]) / 255.0
}

/// What a job's handler prepared before its transaction (CPU work and
/// reads), so the transaction holds only database work.
#[derive(Debug)]
pub(crate) enum Prepared {
    /// Nothing to prepare.
    Nothing,
    /// An acknowledgment composed and ready to queue.
    Acknowledgment(Box<crate::intake::ack::ReadyAcknowledgment>),
    /// A mail composed and ready to queue.
    Mail(Box<rapport_store::NewOutboxMail>),
    /// A survey to record and mail (`None`: nothing to ask).
    Survey(Option<Box<crate::feedback::ReadySurvey>>),
    /// The business calendar a promise's reminder or breach is read in
    /// (loaded here: inside the job's transaction a reload would wait on
    /// SQLite's one writer, which that transaction holds).
    Calendar(std::sync::Arc<rapport_core::BusinessCalendar>),
}

impl App {
    /// Prepares one job outside any transaction. Each kind that needs CPU
    /// work or reads first does it here.
    async fn prepare_job(&self, job: &JobRecord) -> Result<Prepared, JobFailure> {
        match job.kind {
            JobKind::Acknowledge => Ok(Prepared::Acknowledgment(Box::new(
                self.compose_acknowledgment(job).await?,
            ))),
            JobKind::SlaEscalation => Ok(Prepared::Mail(Box::new(
                self.prepare_escalation(job).await?,
            ))),
            JobKind::Survey => Ok(Prepared::Survey(
                self.prepare_survey(job).await?.map(Box::new),
            )),
            JobKind::PromiseReminder | JobKind::PromiseDue => {
                Ok(Prepared::Calendar(self.business_calendar().await?))
            }
            JobKind::Probe => Ok(Prepared::Nothing),
        }
    }

    /// Runs one job's handler in `tx`. Each kind's handler goes here.
    async fn run_job(
        &self,
        tx: &mut WriteTx,
        job: &JobRecord,
        prepared: Prepared,
        worker: &str,
    ) -> Result<(), JobFailure> {
        match (job.kind, prepared) {
            (JobKind::Probe, _) => fire_probe(tx, job, worker).await,
            (JobKind::PromiseReminder, Prepared::Calendar(calendar)) => {
                self.remind_promise(tx, job, &calendar).await
            }
            (JobKind::PromiseDue, Prepared::Calendar(calendar)) => {
                self.break_promise(tx, job, &calendar).await
            }
            (JobKind::Acknowledge, Prepared::Acknowledgment(ready)) => {
                self.queue_acknowledgment(tx, *ready).await
            }
            (JobKind::SlaEscalation, Prepared::Mail(mail)) => {
                tx.enqueue_mail(&mail).await.map_err(AppError::from)?;
                Ok(())
            }
            (JobKind::Survey, Prepared::Survey(ready)) => {
                self.run_survey(tx, ready.map(|r| *r)).await
            }
            (JobKind::PromiseReminder | JobKind::PromiseDue, _) => {
                Err(JobFailure::Retry("the calendar was not loaded".into()))
            }
            (JobKind::Acknowledge | JobKind::SlaEscalation | JobKind::Survey, _) => {
                Err(JobFailure::Retry("the mail was not composed".into()))
            }
        }
    }

    /// Runs the due acknowledgments at once (the intake calls this after its
    /// commit, so a customer hears back without waiting for the scheduler,
    /// which takes any left behind by a crash).
    pub(crate) async fn run_acknowledgments_now(&self) {
        let policy = SchedulerPolicy::default();
        let worker = format!("intake-{}", std::process::id());
        loop {
            let lease_until = Timestamp(Timestamp::now().0 + micros(policy.lease));
            let jobs = match self
                .store()
                .claim_jobs_of(
                    Some(JobKind::Acknowledge),
                    &worker,
                    policy.batch,
                    lease_until,
                )
                .await
            {
                Ok(jobs) => jobs,
                Err(error) => {
                    tracing::warn!(%error, "claiming acknowledgments failed; the scheduler will send them");
                    return;
                }
            };
            if jobs.is_empty() {
                return;
            }
            let full = jobs.len() as i64 >= policy.batch;
            if let Err(error) = self.run_claimed(jobs, &worker, &policy).await {
                tracing::warn!(%error, "sending acknowledgments failed; the scheduler will retry");
                return;
            }
            if !full {
                return;
            }
        }
    }

    /// Runs the jobs that are due, once: claims up to a batch and runs it.
    pub async fn run_due_jobs(
        &self,
        worker: &str,
        policy: &SchedulerPolicy,
    ) -> Result<JobRound, AppError> {
        let lease_until = Timestamp(Timestamp::now().0 + micros(policy.lease));
        let jobs = self
            .store()
            .claim_jobs(worker, policy.batch, lease_until)
            .await?;
        self.run_claimed(jobs, worker, policy).await
    }

    /// Runs claimed jobs: as one batch, or each alone when one fails.
    async fn run_claimed(
        &self,
        jobs: Vec<JobRecord>,
        worker: &str,
        policy: &SchedulerPolicy,
    ) -> Result<JobRound, AppError> {
        let mut round = JobRound {
            claimed: jobs.len(),
            ..JobRound::default()
        };
        if jobs.is_empty() {
            return Ok(round);
        }
        if let Some(done) = self.run_batch(&jobs, worker).await? {
            round.done = done;
            return Ok(round);
        }
        for job in &jobs {
            self.run_alone(job, worker, policy, &mut round).await?;
        }
        Ok(round)
    }

    /// Runs a whole batch in one transaction; `None` (and nothing
    /// committed) when a job failed or a lease was lost.
    async fn run_batch(
        &self,
        jobs: &[JobRecord],
        worker: &str,
    ) -> Result<Option<usize>, StoreError> {
        let mut prepared = Vec::with_capacity(jobs.len());
        for job in jobs {
            match self.prepare_job(job).await {
                Ok(p) => prepared.push(p),
                Err(_) => return Ok(None),
            }
        }
        let mut tx = self.store().begin_write().await?;
        for (job, prepared) in jobs.iter().zip(prepared) {
            if self.run_job(&mut tx, job, prepared, worker).await.is_err() {
                return Ok(None);
            }
        }
        let ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
        if tx.finish_jobs(&ids, worker).await? != ids.len() as u64 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(jobs.len()))
    }

    /// Runs one job in a transaction of its own and records the outcome.
    async fn run_alone(
        &self,
        job: &JobRecord,
        worker: &str,
        policy: &SchedulerPolicy,
        round: &mut JobRound,
    ) -> Result<(), StoreError> {
        let outcome = match self.prepare_job(job).await {
            Ok(prepared) => {
                let mut tx = self.store().begin_write().await?;
                match self.run_job(&mut tx, job, prepared, worker).await {
                    Ok(()) => Ok(tx),
                    Err(failure) => Err(failure),
                }
            }
            Err(failure) => Err(failure),
        };
        let failure = match outcome {
            Ok(mut tx) => {
                if tx.finish_jobs(&[job.id], worker).await? == 1 {
                    tx.commit().await?;
                    round.done += 1;
                } else {
                    tracing::warn!(job = job.id, "job lost its lease before it finished");
                    round.lost += 1;
                }
                return Ok(());
            }
            Err(failure) => failure,
        };
        let store = self.store();
        match failure {
            JobFailure::Retry(error) if job.attempts < policy.retry.max_attempts => {
                let wait = policy.retry.delay(job.attempts, jitter());
                let next = Timestamp(Timestamp::now().0 + micros(wait));
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error, "job failed; will retry");
                store.retry_job(job.id, worker, &error, next).await?;
                round.retrying += 1;
            }
            failure => {
                let reason = match failure {
                    JobFailure::Retry(e) => format!("gave up after {} attempts: {e}", job.attempts),
                    JobFailure::GiveUp(e) => e,
                };
                tracing::warn!(job = job.id, kind = %job.kind, reason, "job failed for good");
                store.fail_job(job.id, worker, &reason).await?;
                round.failed += 1;
            }
        }
        Ok(())
    }

    /// Runs the scheduler until `stop` turns true: a batch at a time while
    /// jobs are due, else sleeps until the next is due (at most
    /// `policy.idle_wait`, or until this process schedules one).
    pub async fn run_scheduler(
        self,
        worker: String,
        policy: SchedulerPolicy,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        tracing::info!(worker, "scheduler started");
        let sweep_every = (policy.lease / 4).min(Duration::from_secs(5));
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            if last_sweep.is_none_or(|t| t.elapsed() >= sweep_every) {
                match self.store().release_expired_leases().await {
                    Ok(0) => {}
                    Ok(n) => tracing::warn!(jobs = n, "took back jobs whose worker stopped"),
                    Err(error) => tracing::error!(%error, "releasing expired job leases failed"),
                }
                last_sweep = Some(std::time::Instant::now());
            }
            if let Err(error) = self.release_held_replies().await {
                tracing::error!(%error, "releasing held replies failed");
            }
            if let Err(error) = self.sweep_sla_alerts().await {
                tracing::error!(%error, "recording response-target alerts failed");
            }
            let full = match self.run_due_jobs(&worker, &policy).await {
                Ok(round) => round.claimed as i64 >= policy.batch,
                Err(error) => {
                    tracing::error!(%error, "scheduler round failed");
                    false
                }
            };
            if *stop.borrow() {
                break;
            }
            if full {
                continue;
            }
            let wait = self.idle_wait(&policy).await;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.store().jobs_scheduled() => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                break;
            }
        }
        tracing::info!(worker, "scheduler stopped");
    }

    /// How long to sleep: until the next pending job is due, at most `idle_wait`.
    async fn idle_wait(&self, policy: &SchedulerPolicy) -> Duration {
        let next_alert = self.store().next_sla_alert().await.ok().flatten();
        let next_held = self.store().next_held_release().await.ok().flatten();
        let next_alert = match (next_alert, next_held) {
            (Some(a), Some(h)) => Some(a.min(h)),
            (a, h) => a.or(h),
        };
        let next_job = self.store().next_job_due().await;
        let next = match (next_job, next_alert) {
            (Ok(job), Some(alert)) => Ok(Some(job.map_or(alert, |j| j.min(alert)))),
            (other, _) => other,
        };
        match next {
            Ok(Some(due)) => {
                let micros = (due.0 - Timestamp::now().0).max(0);
                Duration::from_micros(u64::try_from(micros).unwrap_or(0)).min(policy.idle_wait)
            }
            Ok(None) => policy.idle_wait,
            Err(error) => {
                tracing::error!(%error, "reading the next job's due time failed");
                policy.idle_wait
            }
        }
    }

    /// Schedules probe timers (for the benchmark and checks), in one transaction.
    pub async fn schedule_probes(&self, jobs: &[NewJob]) -> Result<u64, AppError> {
        if jobs.iter().any(|j| j.kind != JobKind::Probe) {
            return Err(AppError::invalid(
                "kind",
                msg!("error.scheduler.probe_only"),
            ));
        }
        let mut tx = self.store().begin_write().await?;
        let written = tx.schedule_jobs(jobs).await?;
        tx.commit().await?;
        Ok(written)
    }

    /// Jobs per kind and status, for the operator.
    pub async fn job_counts(&self) -> Result<Vec<JobCount>, AppError> {
        Ok(self.store().job_counts().await?)
    }

    /// What the probe timers of a run recorded, for the operator.
    pub async fn probe_report(&self, label: &str) -> Result<ProbeReport, AppError> {
        Ok(self.store().probe_report(label).await?)
    }

    /// One job, for the operator.
    pub async fn job(&self, id: i64) -> Result<JobRecord, AppError> {
        Ok(self.store().job(id).await?)
    }
}

/// A probe records its firing (or fails as its payload asks).
async fn fire_probe(tx: &mut WriteTx, job: &JobRecord, worker: &str) -> Result<(), JobFailure> {
    let payload: ProbePayload = serde_json::from_str(&job.payload)
        .map_err(|e| JobFailure::GiveUp(format!("unreadable probe payload: {e}")))?;
    if job.attempts <= payload.fail_attempts {
        return Err(JobFailure::Retry(format!(
            "probe fails attempt {} as asked",
            job.attempts
        )));
    }
    tx.record_probe_firing(job, &payload.label, worker).await?;
    Ok(())
}
