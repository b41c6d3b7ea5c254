//! How the mail channel is doing, for the admins: each IMAP mailbox's last
//! good pass and last failure (migration 0022, written by the poller of
//! whichever server reads it), and the outbox's queue and failed sends.

use crate::outbox::OutboxRecord;
use crate::outbox::{COLUMNS, OutboxStatus, record};
use crate::{Store, StoreError};
use rapport_core::Timestamp;
use sqlx::{AssertSqlSafe, Row};

/// The longest failure text kept (an IMAP server's answer can be long).
const MAX_ERROR_CHARS: usize = 500;

/// What a mailbox's poller last did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxHealth {
    /// The mailbox's name in the settings.
    pub mailbox: String,
    /// When a pass over the folder last succeeded.
    pub last_poll_at: Option<Timestamp>,
    /// Messages that pass fetched.
    pub last_fetched: i64,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it happened.
    pub last_error_at: Option<Timestamp>,
}

impl MailboxHealth {
    /// Whether the last thing that happened was a failure.
    pub fn failing(&self) -> bool {
        match (self.last_error_at, self.last_poll_at) {
            (Some(error), Some(poll)) => error.0 > poll.0,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// How many outbox mails are in each state that needs watching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Waiting for their next attempt.
    pub pending: i64,
    /// Being sent right now.
    pub sending: i64,
    /// Given up.
    pub failed: i64,
    /// Returned by the recipient's server.
    pub bounced: i64,
}

impl Store {
    /// Records a good pass over a mailbox.
    pub async fn record_mailbox_poll(&self, mailbox: &str, fetched: i64) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        sqlx::query(
            "INSERT INTO mailbox_health (mailbox, last_poll_at, last_fetched, updated_at) VALUES ($1, $2, $3, $2) \
             ON CONFLICT (mailbox) DO UPDATE SET last_poll_at = $2, last_fetched = $3, updated_at = $2",
        )
        .bind(mailbox)
        .bind(now)
        .bind(fetched)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records a failure to reach or read a mailbox.
    pub async fn record_mailbox_error(&self, mailbox: &str, error: &str) -> Result<(), StoreError> {
        let now = Timestamp::now().0;
        let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
        sqlx::query(
            "INSERT INTO mailbox_health (mailbox, last_error, last_error_at, updated_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (mailbox) DO UPDATE SET last_error = $2, last_error_at = $3, updated_at = $3",
        )
        .bind(mailbox)
        .bind(error)
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Every mailbox a poller has reported on, by name.
    pub async fn mailbox_health(&self) -> Result<Vec<MailboxHealth>, StoreError> {
        let rows = sqlx::query(
            "SELECT mailbox, last_poll_at, last_fetched, last_error, last_error_at FROM mailbox_health ORDER BY mailbox LIMIT 1000",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MailboxHealth {
                    mailbox: row.try_get("mailbox")?,
                    last_poll_at: row
                        .try_get::<Option<i64>, _>("last_poll_at")?
                        .map(Timestamp),
                    last_fetched: row.try_get("last_fetched")?,
                    last_error: row.try_get("last_error")?,
                    last_error_at: row
                        .try_get::<Option<i64>, _>("last_error_at")?
                        .map(Timestamp),
                })
            })
            .collect()
    }

    /// How many outbox mails are pending, sending, failed and bounced.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM outbox WHERE status <> 'sent' GROUP BY status",
        )
        .fetch_all(&self.read)
        .await?;
        let mut counts = OutboxCounts::default();
        for row in rows {
            let n: i64 = row.try_get("n")?;
            match crate::rows::parse::<OutboxStatus>(&row.try_get::<String, _>("status")?)? {
                OutboxStatus::Pending => counts.pending = n,
                OutboxStatus::Sending => counts.sending = n,
                OutboxStatus::Failed => counts.failed = n,
                OutboxStatus::Bounced => counts.bounced = n,
                OutboxStatus::Sent => {}
            }
        }
        Ok(counts)
    }

    /// The latest failed sends, newest first, with their error.
    pub async fn outbox_failures(&self, limit: i64) -> Result<Vec<OutboxRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'failed' ORDER BY id DESC LIMIT $1"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(limit.clamp(1, 500))
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(record)
            .collect()
    }
}
