//! Rapport's persistence: one sqlx code path over SQLite and PostgreSQL.
//!
//! Queries go through sqlx's `Any` driver, so each is written once. Where the
//! two engines truly differ (id columns, row locks, pragmas) the difference is
//! a [`Backend`] branch in one place. Values are stored in the types both
//! engines share: BIGINT for ids, instants (UTC microseconds) and flags, TEXT
//! for the rest, JSON in TEXT for event payloads.
//!
//! SQLite runs in WAL mode with one writer connection and a few readers, so
//! writes queue in the process instead of failing with `SQLITE_BUSY`. A ticket
//! change and its events are written in one transaction ([`Store::change_ticket`]).

pub mod agent_audit;
pub mod attachments;
mod backfill;
pub mod blobs;
pub mod bulk;
pub mod calendars;
mod checks;
mod clocks;
pub use bulk::{BulkCustomer, BulkTicket, NextIds};
pub use clocks::SlaAlerted;
pub mod customer_attributes;
pub mod customer_events;
mod customer_words;
pub mod customers;
pub mod directory;
pub mod drafts;
pub mod feedback;
pub mod held_replies;
pub mod inbound;
mod intake;
pub mod jobs;
mod locks;
mod mail_health;
pub mod message_ids;
mod migrate;
pub mod notifications;
pub mod outbox;
pub mod portal_links;
pub mod presence;
pub mod promises;
pub mod report_cells;
pub mod reports;
mod rows;
pub mod search_feed;
pub mod sla_policies;
pub mod team_removal;
pub mod templates;
pub mod throttle;
mod ticket_tags;
pub mod tickets;
pub mod web_sessions;
pub mod write_tx;

pub use agent_audit::{AuditAction, AuditLine};
pub use attachments::{AttachmentRecord, NewAttachment};
pub use blobs::{BlobError, Blobs};
pub use calendars::CalendarRecord;
pub use customers::{CustomerRecord, IdentityRecord};
pub use directory::{AgentRecord, TeamRecord, TokenRecord};
pub use feedback::{
    NewRecoveryTask, NewReview, RecoveryFilter, RecoveryStatus, RecoveryTaskRecord, SurveyRecord,
};
pub use held_replies::{HeldReply, HeldStatus, NewHeldReply};
pub use inbound::{InboundRecord, InboundStatus, RawMail, StoredRaw};

pub use jobs::{JobCount, JobKind, JobRecord, JobStatus, NewJob, ProbeReport};
pub use locks::SingletonLock;
pub use mail_health::{MailboxHealth, OutboxCounts};
pub use message_ids::KnownMessageId;
pub use notifications::{AgentContact, NewNotification, NotificationKind, NotificationRecord};
pub use outbox::{ClaimedMail, NewOutboxMail, OutboxKind, OutboxRecord, OutboxStatus};
pub use presence::{PresenceChange, PresenceRecord};
pub use promises::{NewPromise, PromiseCounts, PromiseFilter, PromiseRecord};
pub use reports::{OverrideCount, ReportFilter};
pub use search_feed::{SearchChange, SearchSource, SourceMessage};
pub use team_removal::{TeamBlockers, TeamRemoval, TeamState};
pub use templates::TemplateRecord;
pub use throttle::ThrottleRow;
pub use tickets::{MessageRecord, NewMessage, TicketChange, TicketFilter, TicketSort};
pub use web_sessions::{SessionOwner, WebSessionKind, WebSessionRecord};
pub use write_tx::{FinishedInbound, WriteTx};

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::time::Duration;

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, the default.
    Sqlite,
    /// PostgreSQL, for several processes and large data.
    Postgres,
}

impl Backend {
    /// Picks the engine from a database URL.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::BadUrl(redact(url)))
        }
    }
}

/// A database error, with not-found and conflicts told apart.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no engine Rapport knows.
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://...")]
    BadUrl(String),
    /// No such record.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value is already taken.
    #[error("already exists: {0}")]
    Conflict(String),
    /// Other records still point to this one.
    #[error("still in use by other records")]
    InUse,
    /// A stored value could not be read back.
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    /// The database cannot be reached or cannot serve now (down, dropped,
    /// out of connections, disk full, pool closed); worth retrying later.
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound("record"),
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.message().to_string())
            }
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::InUse,
            _ if is_outage(&error) => StoreError::Unavailable(error),
            _ => StoreError::Database(error),
        }
    }
}

/// Whether an error says the database is out of reach rather than that the
/// statement was wrong: no connection to be had, the connection broke, or
/// the server refuses work (PostgreSQL SQLSTATE classes 08, 53, 57P, 58,
/// 28 and 3D000; SQLite busy, locked, out of memory, I/O, full, cannot open).
fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::BeginFailed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                ["08", "53", "57P", "58", "28", "3D000"]
                    .iter()
                    .any(|prefix| code.starts_with(prefix))
            } else {
                // SQLite: the primary result code is the low byte of the extended one.
                code.parse::<i64>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 7 | 10 | 13 | 14 | 15))
            }
        }
        _ => false,
    }
}

/// Hides a password in a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The connection to Rapport's database.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    creates: tokio::sync::mpsc::Sender<intake::CreateJob>,
    /// Signalled when a transaction that scheduled jobs commits.
    job_signal: std::sync::Arc<tokio::sync::Notify>,
    /// The response-target rules every ticket write plans its clocks with.
    sla: clocks::SlaSlot,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies pending migrations.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        match backend {
            Backend::Sqlite => {
                let url = if url.contains('?') || url.contains(":memory:") {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options = || {
                    AnyPoolOptions::new()
                        .test_before_acquire(false)
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .after_connect(|conn, _| {
                            Box::pin(async move {
                                sqlx::raw_sql(
                                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
                                     PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; \
                                     PRAGMA cache_size=-8000; PRAGMA temp_store=MEMORY;",
                                )
                                .execute(&mut *conn)
                                .await?;
                                Ok(())
                            })
                        })
                };
                let write = options()
                    .max_connections(1)
                    .min_connections(1)
                    .connect(&url)
                    .await?;
                let read = options()
                    .max_connections(4)
                    .min_connections(1)
                    .connect(&url)
                    .await?;
                let sla = clocks::SlaSlot::default();
                Ok(Self {
                    backend,
                    read,
                    creates: intake::start(write.clone(), sla.clone()),
                    write,
                    job_signal: Default::default(),
                    sla,
                })
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(16)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await?;
                let sla = clocks::SlaSlot::default();
                Ok(Self {
                    backend,
                    read: pool.clone(),
                    creates: intake::start(pool.clone(), sla.clone()),
                    write: pool,
                    job_signal: Default::default(),
                    sla,
                })
            }
        }
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes every connection (SQLite checkpoints its WAL on the way out).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_and_hide_passwords() {
        assert_eq!(
            Backend::from_url("sqlite:rapport.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://x").is_err());
        assert_eq!(
            redact("postgres://ann:secret@db:5432/r"),
            "postgres://ann:***@db:5432/r"
        );
        assert_eq!(redact("postgres://ann@db/r"), "postgres://ann@db/r");
    }
}
