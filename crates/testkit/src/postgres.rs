//! A fresh PostgreSQL database per test, dropped afterwards; databases left
//! by test processes that died are swept on first use.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// The server used when `RAPPORT_TEST_POSTGRES` is not set.
pub const ADMIN_URL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A unique, lower-case name carrying this process id (for the orphan sweep).
pub fn unique(name: &str) -> String {
    format!(
        "rapport_t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        name
    )
    .to_lowercase()
    .chars()
    .take(60)
    .collect()
}

/// The admin connection URL for tests.
pub fn admin_url() -> String {
    std::env::var("RAPPORT_TEST_POSTGRES").unwrap_or_else(|_| ADMIN_URL_DEFAULT.into())
}

async fn admin() -> Option<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    let url = admin_url();
    let connect = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(3))
        .connect(&url);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(pool)) => {
            sweep_orphans(&pool).await;
            Some(pool)
        }
        Ok(Err(e)) => {
            eprintln!("PostgreSQL at {url} unreachable: {e}");
            None
        }
        Err(_) => None,
    }
}

/// Drops test databases left by test processes that no longer run (a test
/// that panics cannot drop its own). Names carry the creating process id.
async fn sweep_orphans(admin: &sqlx::AnyPool) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let mut first = false;
    SWEPT.call_once(|| first = true);
    // Without /proc no process can be checked, so nothing is swept.
    if !first || !std::path::Path::new("/proc/self").exists() {
        return;
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname LIKE 'rapport_t_%'",
    )
    .fetch_all(admin)
    .await
    .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<u32>().ok());
        let orphan = pid.is_some_and(|p| {
            p != std::process::id() && !std::path::Path::new(&format!("/proc/{p}")).exists()
        });
        if orphan {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(admin)
            .await;
        }
    }
}

/// A database made for one test.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its connection URL.
    pub url: String,
    name: String,
}

impl TestDatabase {
    /// Creates a fresh database, or `None` when no server answers (skipped
    /// loudly; a failure with `CI=true`).
    pub async fn create(name: &str) -> Option<Self> {
        let Some(admin) = admin().await else {
            crate::skip(&format!(
                "{name} on PostgreSQL: no server (set RAPPORT_TEST_POSTGRES)"
            ));
            return None;
        };
        let db = unique(name);
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
            .execute(&admin)
            .await
            .expect("drop");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&admin)
            .await
            .expect("create database");
        admin.close().await;
        let url = admin_url();
        let base = url
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(url.clone());
        Some(Self {
            url: format!("{base}/{db}"),
            name: db,
        })
    }

    /// Drops the database (connections still open are ended).
    pub async fn drop_database(self) {
        if let Ok(pool) = sqlx::AnyPool::connect(&admin_url()).await {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            )))
            .execute(&pool)
            .await;
            pool.close().await;
        }
    }
}
