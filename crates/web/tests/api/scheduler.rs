//! The durable scheduler (jobs table): timers fire on time and once, failed
//! jobs are retried with backoff and then given up, a dead worker's jobs are
//! taken over when its lease runs out (and its late finish is refused), one
//! bad job fails alone, and a job exists only if its transaction committed.
//! Every test runs on SQLite and on PostgreSQL.

use crate::harness::{Harness, unique};
use rapport_app::JobStatus;
use rapport_app::mailer::RetryPolicy;
use rapport_app::scheduler::{ProbePayload, SchedulerPolicy};
use rapport_core::Timestamp;
use rapport_store::{JobKind, NewJob};
use std::time::{Duration, Instant};

fn micros(d: Duration) -> i64 {
    d.as_micros() as i64
}

fn policy() -> SchedulerPolicy {
    SchedulerPolicy {
        lease: Duration::from_secs(30),
        batch: 100,
        idle_wait: Duration::from_millis(500),
        retry: RetryPolicy {
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(1),
            max_attempts: 3,
            ..RetryPolicy::default()
        },
    }
}

async fn schedule(h: &Harness, job: &NewJob) -> i64 {
    let mut tx = h.store.begin_write().await.unwrap();
    let id = tx.schedule_job(job).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn timers_fire_within_a_second_of_their_due_time(h: &Harness) {
    let label = unique("on-time");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(h.app.clone().run_scheduler("w1".into(), policy(), stopped));
    // Let the scheduler fall asleep on an empty table first.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let now = Timestamp::now().0;
    let jobs: Vec<NewJob> = (0..40)
        .map(|i| ProbePayload::job(&label, Timestamp(now + 700_000 + i * 50_000)))
        .collect();
    h.app.schedule_probes(&jobs).await.unwrap();
    // One due at once, scheduled while the scheduler sleeps: the commit wakes it.
    h.app
        .schedule_probes(&[ProbePayload::job(&label, Timestamp::now())])
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let report = loop {
        let report = h.app.probe_report(&label).await.unwrap();
        if report.jobs_fired == 41 || Instant::now() > deadline {
            break report;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = stop.send(true);
    worker.await.unwrap();
    assert_eq!(report.jobs_fired, 41, "{report:?}");
    assert_eq!(report.firings, 41, "{report:?}");
    assert_eq!(report.fired_twice, 0);
    assert!(
        report.max_delay_micros < 1_000_000,
        "a timer fired {} µs late",
        report.max_delay_micros
    );
    // None fired early.
    assert!(report.min_delay_micros >= 0, "{report:?}");
}

async fn a_failing_job_is_retried_with_backoff_then_given_up(h: &Harness) {
    let label = unique("retry");
    let policy = policy();
    let recovers = schedule(h, &ProbePayload::failing(&label, Timestamp::now(), 2)).await;
    let hopeless = schedule(h, &ProbePayload::failing(&label, Timestamp::now(), 99)).await;
    let round = h.app.run_due_jobs("w1", &policy).await.unwrap();
    assert_eq!((round.claimed, round.retrying, round.done), (2, 2, 0));
    let job = h.app.job(recovers).await.unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Pending, 1));
    assert!(job.last_error.unwrap().contains("attempt 1"));
    // Backed off: not due again at once (first delay 200 ms, ±20 %).
    assert!(job.due_at.0 >= Timestamp::now().0 + micros(Duration::from_millis(100)));
    assert_eq!(h.app.run_due_jobs("w1", &policy).await.unwrap().claimed, 0);
    let mut done = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        h.app.run_due_jobs("w1", &policy).await.unwrap();
        let (a, b) = (
            h.app.job(recovers).await.unwrap(),
            h.app.job(hopeless).await.unwrap(),
        );
        if a.status == JobStatus::Done && b.status == JobStatus::Failed {
            assert_eq!(a.attempts, 3);
            assert_eq!(b.attempts, 3);
            assert!(b.last_error.unwrap().contains("gave up after 3 attempts"));
            assert!(b.finished_at.is_some());
            done = true;
            break;
        }
    }
    assert!(done, "the jobs did not settle");
    let report = h.app.probe_report(&label).await.unwrap();
    assert_eq!((report.firings, report.jobs_fired), (1, 1));
}

async fn a_dead_workers_jobs_are_taken_over_when_its_lease_ends(h: &Harness) {
    let label = unique("lease");
    let jobs: Vec<NewJob> = (0..5)
        .map(|_| ProbePayload::job(&label, Timestamp::now()))
        .collect();
    h.app.schedule_probes(&jobs).await.unwrap();
    // The dead worker claims them and never finishes.
    let lease_until = Timestamp(Timestamp::now().0 + micros(Duration::from_millis(400)));
    let claimed = h.store.claim_jobs("dead", 10, lease_until).await.unwrap();
    assert_eq!(claimed.len(), 5);
    let policy = policy();
    // While the lease holds, nobody else takes them.
    assert_eq!(h.store.release_expired_leases().await.unwrap(), 0);
    assert_eq!(
        h.app.run_due_jobs("alive", &policy).await.unwrap().claimed,
        0
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.store.release_expired_leases().await.unwrap(), 5);
    let round = h.app.run_due_jobs("alive", &policy).await.unwrap();
    assert_eq!((round.claimed, round.done), (5, 5));
    // The dead worker wakes up and tries to finish: refused, nothing fires twice.
    let mut tx = h.store.begin_write().await.unwrap();
    let ids: Vec<i64> = claimed.iter().map(|j| j.id).collect();
    assert_eq!(tx.finish_jobs(&ids, "dead").await.unwrap(), 0);
    drop(tx);
    let report = h.app.probe_report(&label).await.unwrap();
    assert_eq!((report.firings, report.jobs_fired), (5, 5));
    assert_eq!(report.by_worker, vec![("alive".to_string(), 5)]);
    for id in ids {
        let job = h.app.job(id).await.unwrap();
        assert_eq!((job.status, job.attempts), (JobStatus::Done, 2));
    }
}

async fn one_bad_job_fails_alone(h: &Harness) {
    let label = unique("bad");
    let mut jobs: Vec<NewJob> = (0..10)
        .map(|_| ProbePayload::job(&label, Timestamp::now()))
        .collect();
    jobs.insert(
        4,
        NewJob {
            kind: JobKind::Probe,
            due_at: Timestamp::now(),
            payload: "not json".into(),
            key: None,
        },
    );
    h.app.schedule_probes(&jobs).await.unwrap();
    let round = h.app.run_due_jobs("w1", &policy()).await.unwrap();
    assert_eq!((round.claimed, round.done, round.failed), (11, 10, 1));
    let report = h.app.probe_report(&label).await.unwrap();
    assert_eq!((report.firings, report.jobs_fired), (10, 10));
    let counts = h.app.job_counts().await.unwrap();
    let failed = counts
        .iter()
        .find(|c| c.status == JobStatus::Failed)
        .map(|c| c.count);
    assert_eq!(failed, Some(1));
}

async fn a_job_exists_only_if_its_transaction_commits(h: &Harness) {
    let mut tx = h.store.begin_write().await.unwrap();
    tx.schedule_job(&ProbePayload::job("rolled-back", Timestamp::now()))
        .await
        .unwrap();
    drop(tx);
    assert_eq!(h.store.next_job_due().await.unwrap(), None);
    assert!(h.app.job_counts().await.unwrap().is_empty());
    // A keyed job replaces the pending one of its kind and key.
    let keyed = |due: i64| NewJob {
        key: Some("ticket:1:first_response".into()),
        ..ProbePayload::job("keyed", Timestamp(due))
    };
    let later = Timestamp::now().0 + 3_600_000_000;
    let first = schedule(h, &keyed(later)).await;
    let second = schedule(h, &keyed(later + 60_000_000)).await;
    assert!(h.app.job(first).await.is_err(), "the first was replaced");
    assert_eq!(
        h.app.job(second).await.unwrap().due_at,
        Timestamp(later + 60_000_000)
    );
    assert_eq!(
        h.store.next_job_due().await.unwrap(),
        Some(Timestamp(later + 60_000_000))
    );
}

crate::both_backends!(
    timers_fire_within_a_second_of_their_due_time,
    a_failing_job_is_retried_with_backoff_then_given_up,
    a_dead_workers_jobs_are_taken_over_when_its_lease_ends,
    one_bad_job_fails_alone,
    a_job_exists_only_if_its_transaction_commits,
);
