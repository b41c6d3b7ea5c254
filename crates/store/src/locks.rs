//! Singletons across servers: with PostgreSQL, a session-level advisory
//! lock held on a dedicated connection, so exactly one `rapport serve` runs a
//! given background job (an IMAP poller). The lock ends when the holder
//! drops it or its process dies (the connection closes). SQLite is one
//! server, so the lock is always granted.

use crate::{Backend, Store, StoreError};

/// A held singleton; dropping it releases the lock.
#[derive(Debug)]
pub struct SingletonLock {
    _conn: Option<sqlx::pool::PoolConnection<sqlx::Any>>,
}

fn lock_key(name: &str) -> i64 {
    let hash = rapport_core::hex::sha256(format!("rapport-singleton:{name}").as_bytes());
    i64::from_str_radix(&hash[..15], 16).unwrap_or(0)
}

impl Store {
    /// Takes the named singleton if no other server holds it.
    pub async fn try_singleton(&self, name: &str) -> Result<Option<SingletonLock>, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(Some(SingletonLock { _conn: None })),
            Backend::Postgres => {
                let mut conn = self.write.acquire().await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(lock_key(name))
                    .fetch_one(&mut *conn)
                    .await?;
                if !got {
                    return Ok(None);
                }
                // Closing the connection is what releases a session lock.
                conn.close_on_drop();
                Ok(Some(SingletonLock { _conn: Some(conn) }))
            }
        }
    }
}
