//! Schema migrations, written once with `{id}` standing for each engine's
//! auto-increment primary key, `{blob}` for bytes, `{ctext}` for text
//! compared byte by byte (and `{check ...}` for a CHECK constraint on
//! an existing table, see `checks.rs`). Applied in order, each in its own transaction,
//! under an advisory lock on PostgreSQL so two starting servers never race.

use crate::{Backend, Store, StoreError};
use sqlx::{AssertSqlSafe, Executor};

/// (version, name, SQL). Never edit an applied migration; add a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "templates",
        include_str!("../migrations/0002_templates.sql"),
    ),
    (
        3,
        "inbound_mail",
        include_str!("../migrations/0003_inbound_mail.sql"),
    ),
    (
        4,
        "mail_channel",
        include_str!("../migrations/0004_mail_channel.sql"),
    ),
    (
        5,
        "auth_hardening",
        include_str!("../migrations/0005_auth_hardening.sql"),
    ),
    (
        6,
        "input_enums",
        include_str!("../migrations/0006_input_enums.sql"),
    ),
    (
        7,
        "calendars",
        include_str!("../migrations/0007_calendars.sql"),
    ),
    (
        8,
        "inbound_status",
        include_str!("../migrations/0008_inbound_status.sql"),
    ),
    (
        9,
        "raw_mail_blobs",
        include_str!("../migrations/0009_raw_mail_blobs.sql"),
    ),
    (10, "jobs", include_str!("../migrations/0010_jobs.sql")),
    (
        12,
        "web_sessions",
        include_str!("../migrations/0012_web_sessions.sql"),
    ),
    (
        13,
        "portal_links",
        include_str!("../migrations/0013_portal_links.sql"),
    ),
    (
        14,
        "promises",
        include_str!("../migrations/0014_promises.sql"),
    ),
    (15, "sla", include_str!("../migrations/0015_sla.sql")),
    (
        17,
        "search_changes",
        include_str!("../migrations/0017_search_changes.sql"),
    ),
    (
        18,
        "customer_name_words",
        include_str!("../migrations/0018_customer_name_words.sql"),
    ),
    (
        19,
        "presence",
        include_str!("../migrations/0019_presence.sql"),
    ),
    (20, "drafts", include_str!("../migrations/0020_drafts.sql")),
    (
        21,
        "feedback",
        include_str!("../migrations/0021_feedback.sql"),
    ),
    (
        22,
        "mailbox_health",
        include_str!("../migrations/0022_mailbox_health.sql"),
    ),
    (
        23,
        "reports",
        include_str!("../migrations/0023_reports.sql"),
    ),
    (
        24,
        "held_replies",
        include_str!("../migrations/0024_held_replies.sql"),
    ),
    (
        25,
        "report_cells",
        include_str!("../migrations/0025_report_cells.sql"),
    ),
    (
        26,
        "languages",
        include_str!("../migrations/0026_languages.sql"),
    ),
    (
        27,
        "coach_findings",
        include_str!("../migrations/0027_coach_findings.sql"),
    ),
    (
        28,
        "admin_gaps",
        include_str!("../migrations/0028_admin_gaps.sql"),
    ),
    (
        29,
        "notification_words",
        include_str!("../migrations/0029_notification_words.sql"),
    ),
    (
        30,
        "answer_notifications",
        include_str!("../migrations/0030_answer_notifications.sql"),
    ),
    (
        31,
        "transfer_teams",
        include_str!("../migrations/0031_transfer_teams.sql"),
    ),
    (
        32,
        "throttle_groups",
        include_str!("../migrations/0032_throttle_groups.sql"),
    ),
    (
        33,
        "messages_by_agent",
        include_str!("../migrations/0033_messages_by_agent.sql"),
    ),
    (
        35,
        "ticket_tags",
        include_str!("../migrations/0035_ticket_tags.sql"),
    ),
    (
        36,
        "ticket_tags_by_updated",
        include_str!("../migrations/0036_ticket_tags_by_updated.sql"),
    ),
];

/// A lock id for PostgreSQL's advisory lock ("rapport" in ASCII).
const MIGRATION_LOCK: i64 = 0x0072_6170_706f_7274;

impl Store {
    /// Applies every migration the database does not have yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_up_to(i64::MAX).await
    }

    /// Applies the missing migrations up to `last` only; tests build the
    /// schema of an older release with it.
    pub async fn migrate_up_to(&self, last: i64) -> Result<(), StoreError> {
        let mut conn = self.write.acquire().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        let result = self.apply_pending(&mut conn, last).await;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        result
    }

    async fn apply_pending(
        &self,
        conn: &mut sqlx::AnyConnection,
        last: i64,
    ) -> Result<(), StoreError> {
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await?;
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations")
            .fetch_all(&mut *conn)
            .await?;
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) || *version > last {
                continue;
            }
            let (id, blob, ctext) = match self.backend {
                Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB", "TEXT"),
                Backend::Postgres => (
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                    "BYTEA",
                    "TEXT COLLATE \"C\"",
                ),
            };
            let sql = sql
                .replace("{id}", id)
                .replace("{blob}", blob)
                .replace("{ctext}", ctext);
            let (sql, checks) = crate::checks::expand(&sql, self.backend)?;
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *tx).await?;
            crate::checks::verify(&mut tx, self.backend, &checks).await?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*name)
            .bind(rapport_core::Timestamp::now().as_micros())
            .execute(&mut *tx)
            .await?;
            if *version == crate::customer_words::MIGRATION {
                crate::customer_words::index_every_name(&mut tx).await?;
            }
            if *version == crate::report_cells::MIGRATION {
                crate::report_cells::sum_all(&mut tx).await?;
            }
            if *version == crate::throttle::MIGRATION {
                crate::throttle::group_every_key(&mut tx).await?;
            }
            if *version == crate::team_removal::MIGRATION {
                crate::team_removal::record_every_transfer(&mut tx).await?;
            }
            if *version == crate::ticket_tags::MIGRATION {
                crate::ticket_tags::fill_from_tickets(&mut tx).await?;
            }
            tx.commit().await?;
            tracing::info!(version, name, "applied migration");
        }
        if last >= 6 {
            crate::customers::fold_unfolded_names(conn).await?;
        }
        Ok(())
    }
}
