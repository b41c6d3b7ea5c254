//! Failed logins by bounded key, kept in the database so every server sees
//! the same counts and a restart forgets nothing. Keys are short (`ip:` and a
//! client address, or a prefix and a SHA-256), rows are pruned by time, so
//! neither memory nor the table grows without bound.

use crate::{Store, StoreError};
use rapport_core::Timestamp;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// The migration that adds `key_group`; applying it fills the column.
pub(crate) const MIGRATION: i64 = 32;

/// A key's group: the key up to and including its last colon.
fn group_of(key: &str) -> &str {
    key.rfind(':').map_or("", |i| &key[..=i])
}

/// Fills `key_group` for the rows written before it existed.
pub(crate) async fn group_every_key(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM login_throttle")
        .fetch_all(&mut *conn)
        .await?;
    for key in keys {
        sqlx::query("UPDATE login_throttle SET key_group = $1 WHERE key = $2")
            .bind(group_of(&key))
            .bind(&key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The failures recorded for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRow {
    /// The key, e.g. `ip:192.0.2.7`.
    pub key: String,
    /// Failures in a row, none more than the forgetting time apart.
    pub failures: i64,
    /// When the last one happened.
    pub last_failure_at: Timestamp,
}

impl Store {
    /// The failures of these keys whose last failure is at or after `since`;
    /// keys with none are left out.
    pub async fn throttle_rows(
        &self,
        keys: &[&str],
        since: Timestamp,
    ) -> Result<Vec<ThrottleRow>, StoreError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT key, failures, last_failure_at FROM login_throttle \
             WHERE key IN ({}) AND last_failure_at >= ${}",
            list.join(", "),
            keys.len() + 1
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for key in keys {
            query = query.bind(*key);
        }
        let rows = query.bind(since.0).fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| {
                Ok(ThrottleRow {
                    key: row.try_get("key")?,
                    failures: row.try_get("failures")?,
                    last_failure_at: Timestamp(row.try_get("last_failure_at")?),
                })
            })
            .collect()
    }

    /// Counts one more failure at `now` for each key (distinct keys); a key
    /// whose last failure was before `since` starts again at one.
    pub async fn record_failures(
        &self,
        keys: &[&str],
        now: Timestamp,
        since: Timestamp,
    ) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        let (at, forget) = (2 * keys.len() + 1, 2 * keys.len() + 2);
        let rows: Vec<String> = (0..keys.len())
            .map(|i| format!("(${}, ${}, 1, ${at})", 2 * i + 1, 2 * i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO login_throttle (key, key_group, failures, last_failure_at) VALUES {} \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN login_throttle.last_failure_at < ${forget} THEN 1 \
             ELSE login_throttle.failures + 1 END, \
             last_failure_at = excluded.last_failure_at",
            rows.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for key in keys {
            query = query.bind(*key).bind(group_of(key));
        }
        query.bind(now.0).bind(since.0).execute(&self.write).await?;
        Ok(())
    }

    /// Forgets a key's failures.
    pub async fn clear_throttle(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_throttle WHERE key = $1")
            .bind(key)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Forgets these keys and every key of the group `prefix` (a key's
    /// group is the key up to and including its last colon: `pair:<hash>:`,
    /// the failures counted against one account from each client).
    pub async fn clear_throttle_keys(
        &self,
        keys: &[&str],
        prefix: &str,
    ) -> Result<u64, StoreError> {
        let mut cleared = 0;
        for key in keys {
            cleared += sqlx::query("DELETE FROM login_throttle WHERE key = $1")
                .bind(*key)
                .execute(&self.write)
                .await?
                .rows_affected();
        }
        if !prefix.is_empty() {
            cleared += sqlx::query("DELETE FROM login_throttle WHERE key_group = $1")
                .bind(prefix)
                .execute(&self.write)
                .await?
                .rows_affected();
        }
        Ok(cleared)
    }

    /// Deletes the keys whose last failure was before `before`; says how many.
    pub async fn prune_throttle(&self, before: Timestamp) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1")
                .bind(before.0)
                .execute(&self.write)
                .await?
                .rows_affected(),
        )
    }
}
