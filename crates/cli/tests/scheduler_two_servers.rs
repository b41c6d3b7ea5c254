//! Two `rapport serve` processes on one PostgreSQL database fire thousands
//! of durable timers; one is killed with SIGKILL mid-run. Every timer fires
//! exactly once: the survivor takes over the dead server's claimed jobs when
//! their lease runs out, and nothing the dead server left half done counts.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_testkit::postgres::TestDatabase;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TIMERS: i64 = 4000;
const LABEL: &str = "two-servers";

fn rapport(url: &str, data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command
        .env("RAPPORT_DATABASE_URL", url)
        .env("RAPPORT_DATA_DIR", data)
        .env("RAPPORT_JOBS_LEASE_SECONDS", "3")
        .env("RAPPORT_LOG", "warn")
        .env_remove("RAPPORT_CONFIG");
    command
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn count(pool: &sqlx::AnyPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_fire_each_timer_once_through_a_kill() {
    let Some(db) = TestDatabase::create("timers_two_servers").await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("rapport-timers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The timers come due over eight seconds, starting in three.
    let scheduled = rapport(&db.url, &dir)
        .args(["jobs", "probe", "--count", &TIMERS.to_string()])
        .args(["--due-in", "3", "--spread", "8", "--label", LABEL])
        .output()
        .unwrap();
    assert!(
        scheduled.status.success(),
        "{}",
        String::from_utf8_lossy(&scheduled.stderr)
    );
    let start = |port: u16| {
        Killed(
            rapport(&db.url, &dir)
                .env("RAPPORT_LISTEN", format!("127.0.0.1:{port}"))
                .arg("serve")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    let port = |n: u16| 20_000 + ((std::process::id() + 7_919) % 20_000) as u16 + n;
    let mut a = start(port(0));
    let b = start(port(1));
    let a_pid = a.0.id();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    // Kill the first server once a quarter of the timers fired.
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&pool, "SELECT COUNT(*) FROM probe_firings").await < TIMERS / 4 {
        assert!(Instant::now() < deadline, "the timers did not start firing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.0.kill().unwrap(); // SIGKILL
    a.0.wait().unwrap();
    let killed_at = count(&pool, "SELECT COUNT(*) FROM probe_firings").await;
    while count(&pool, "SELECT COUNT(*) FROM jobs WHERE status = 'done'").await < TIMERS {
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a second firing every chance to show up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    drop(b);
    let firings = count(&pool, "SELECT COUNT(*) FROM probe_firings").await;
    let distinct = count(&pool, "SELECT COUNT(DISTINCT job_id) FROM probe_firings").await;
    let twice = count(
        &pool,
        "SELECT COUNT(*) FROM (SELECT job_id FROM probe_firings GROUP BY job_id HAVING COUNT(*) > 1) AS t",
    )
    .await;
    let done = count(&pool, "SELECT COUNT(*) FROM jobs WHERE status = 'done'").await;
    let workers: Vec<(String, i64)> = sqlx::query_as(
        "SELECT fired_by, COUNT(*) FROM probe_firings GROUP BY fired_by ORDER BY fired_by",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    eprintln!(
        "{firings} firings of {TIMERS} timers; {killed_at} before the kill of {a_pid}; by worker: {workers:?}"
    );
    assert_eq!(twice, 0, "timers fired more than once");
    assert_eq!(firings, TIMERS);
    assert_eq!(distinct, TIMERS);
    assert_eq!(done, TIMERS);
    assert_eq!(workers.len(), 2, "both servers fired timers: {workers:?}");
    let dead = workers
        .iter()
        .find(|(w, _)| w.ends_with(&format!(":{a_pid}")))
        .map(|(_, n)| *n)
        .unwrap_or(0);
    assert!(dead > 0 && dead < TIMERS, "the killed server fired {dead}");
    db.drop_database().await;
    let _ = std::fs::remove_dir_all(&dir);
}
