//! Two `rapport serve` processes on one PostgreSQL database send the queued
//! mail through a real Postfix: every mail arrives exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rapport_testkit::mailservers::servers;
use rapport_testkit::postgres::TestDatabase;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MAILS: usize = 60;

fn rapport(url: &str, data: &std::path::Path, smtp_port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command
        .env("RAPPORT_DATABASE_URL", url)
        .env("RAPPORT_DATA_DIR", data)
        .env("RAPPORT_MAIL_ADDRESS", "support@shop.test")
        .env("RAPPORT_SMTP_HOST", "127.0.0.1")
        .env("RAPPORT_SMTP_PORT", smtp_port.to_string())
        .env("RAPPORT_SMTP_SECURITY", "none")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_send_each_mail_once() {
    let Some(mail) = servers() else { return };
    let Some(db) = TestDatabase::create("two_servers").await else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("rapport-two-servers-{}", std::process::id()));
    let inbox = dir.join("incoming");
    std::fs::create_dir_all(&inbox).unwrap();
    let tag = format!("duo{}", std::process::id());
    for i in 0..MAILS {
        std::fs::write(
            inbox.join(format!("{i:03}.eml")),
            format!(
                "Message-ID: <{tag}-{i}@customer.test>\r\nFrom: {tag}-{i}@customer.test\r\nTo: support@shop.test\r\nSubject: Parcel {i}\r\n\r\nWhere is my parcel?\r\n"
            ),
        )
        .unwrap();
    }
    // Taking the mail in queues one acknowledgment each (nothing is sent yet).
    let ingest = rapport(&db.url, &dir, mail.smtp_port)
        .arg("ingest")
        .arg(&inbox)
        .output()
        .unwrap();
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );
    assert!(String::from_utf8_lossy(&ingest.stdout).contains(&format!("created {MAILS}")));
    let start = |port: u16| {
        Killed(
            rapport(&db.url, &dir, mail.smtp_port)
                .env("RAPPORT_LISTEN", format!("127.0.0.1:{port}"))
                .arg("serve")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    };
    let port = |n: u16| 20_000 + (std::process::id() % 20_000) as u16 + n;
    let a = start(port(0));
    let b = start(port(1));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let arrived = (0..MAILS)
            .filter(|i| !mail.delivered(&format!("{tag}-{i}")).is_empty())
            .count();
        if arrived == MAILS || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a second copy every chance to show up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    drop((a, b));
    for i in 0..MAILS {
        let copies = mail.delivered(&format!("{tag}-{i}")).len();
        assert_eq!(copies, 1, "{tag}-{i} arrived {copies} times");
    }
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let workers: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT claimed_by) FROM outbox")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(sent, MAILS as i64);
    eprintln!("{MAILS} mails sent once each by {workers} server(s)");
    db.drop_database().await;
    let _ = std::fs::remove_dir_all(&dir);
}
