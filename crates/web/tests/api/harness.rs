//! A fresh database per test, on SQLite and on a real PostgreSQL.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rapport_app::{App, AppConfig};
use rapport_core::{AgentId, Role, TeamId};
use rapport_store::Store;
use serde_json::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use tower::ServiceExt;

pub const ADMIN_URL_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A running app on a fresh database, with staff and their tokens.
pub struct Harness {
    pub blob_dir: std::path::PathBuf,
    pub app: App,
    pub router: axum::Router,
    pub admin: String,
    pub lead: String,
    pub agent: String,
    pub other_agent: String,
    pub agent_id: AgentId,
    pub other_agent_id: AgentId,
    pub team: TeamId,
    pub team2: TeamId,
    cleanup: Cleanup,
}

pub enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn unique(name: &str) -> String {
    format!(
        "rapport_t_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        name
    )
    .chars()
    .take(60)
    .collect()
}

async fn postgres_admin() -> Option<(sqlx::AnyPool, String)> {
    sqlx::any::install_default_drivers();
    let url = std::env::var("RAPPORT_TEST_POSTGRES").unwrap_or_else(|_| ADMIN_URL_DEFAULT.into());
    let connect = sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(std::time::Duration::from_secs(3))
        .connect(&url);
    match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
        Ok(Ok(pool)) => {
            sweep_orphans(&pool).await;
            Some((pool, url))
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

/// Opens a fresh store, or `None` when PostgreSQL is missing off CI (said loudly).
pub async fn fresh_store(backend: Backend, name: &str) -> Option<(Store, Cleanup)> {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique(name)));
            let store = Store::open(&format!("sqlite:{}", path.display()))
                .await
                .expect("open SQLite");
            Some((store, Cleanup::File(path)))
        }
        Backend::Postgres => {
            let Some((admin, admin_url)) = postgres_admin().await else {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!(
                        "CI=true but PostgreSQL is not reachable: the PostgreSQL tests must run in CI"
                    );
                }
                eprintln!(
                    "\n!!! SKIPPED {name} on PostgreSQL: no server (set RAPPORT_TEST_POSTGRES) !!!\n"
                );
                return None;
            };
            let db = unique(name).to_lowercase();
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {db}")))
                .execute(&admin)
                .await
                .expect("drop");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}")))
                .execute(&admin)
                .await
                .expect("create database");
            admin.close().await;
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin_url.clone());
            let store = Store::open(&format!("{base}/{db}"))
                .await
                .expect("open PostgreSQL");
            Some((
                store,
                Cleanup::Database {
                    admin_url,
                    name: db,
                },
            ))
        }
    }
}

impl Cleanup {
    pub async fn run(self) {
        match self {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            }
        }
    }
}

impl Harness {
    pub async fn new(backend: Backend, name: &str) -> Option<Self> {
        Self::with_config(backend, name, AppConfig::default()).await
    }

    /// A harness whose app has these settings (attachments in a fresh folder).
    pub async fn with_config(backend: Backend, name: &str, config: AppConfig) -> Option<Self> {
        let (store, cleanup) = fresh_store(backend, name).await?;
        let blob_dir = std::env::temp_dir().join(format!("{}-blobs", unique(name)));
        let blobs = rapport_store::Blobs::filesystem(&blob_dir).expect("blob folder");
        let app = App::new(store, blobs, config);
        let mk = |email: &'static str, role: Role| {
            let app = app.clone();
            async move {
                let agent = app
                    .create_agent_unchecked(email, email, role, Some("correct horse battery"))
                    .await
                    .expect("agent");
                let token = app
                    .issue_token_for(agent.id, "test")
                    .await
                    .expect("token")
                    .token;
                (agent.id, token)
            }
        };
        let (_, admin) = mk("admin@test.example", Role::Admin).await;
        let (_, lead) = mk("lead@test.example", Role::Lead).await;
        let (agent_id, agent) = mk("agent@test.example", Role::Agent).await;
        let (other_agent_id, other_agent) = mk("other@test.example", Role::Agent).await;
        let team = app.store().insert_team("Support").await.expect("team").id;
        let team2 = app.store().insert_team("Billing").await.expect("team").id;
        let router = rapport_web::router(app.clone());
        Some(Self {
            blob_dir,
            app,
            router,
            admin,
            lead,
            agent,
            other_agent,
            agent_id,
            other_agent_id,
            team,
            team2,
            cleanup,
        })
    }

    pub async fn finish(self) {
        self.app.store().close().await;
        self.cleanup.run().await;
        let _ = std::fs::remove_dir_all(&self.blob_dir);
    }

    /// Sends a request; returns the status and the JSON body (Null when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(v) => {
                request = request.header("content-type", "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.raw(request.body(body).expect("request")).await
    }

    pub async fn raw(&self, request: Request<Body>) -> (StatusCode, Value) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|e| match e {});
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap_or_default();
        let value = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            if bytes.is_empty() {
                Value::Null
            } else {
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            }
        });
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Opens a ticket from a customer e-mail; returns its id.
    pub async fn ticket(&self, subject: &str, team: Option<TeamId>) -> i64 {
        let (status, body) = self
            .post(
                "/api/v1/tickets",
                &self.agent,
                serde_json::json!({
                    "subject": subject,
                    "customer_email": "ann.lee@example.com",
                    "customer_name": "Ann Lee",
                    "team_id": team.map(|t| t.0),
                    "message": "My order 5521 arrived broken. Can you send a new one?"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["ticket"]["id"].as_i64().expect("ticket id")
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let h = $crate::harness::Harness::new($crate::harness::Backend::Sqlite, stringify!($name)).await.expect("SQLite");
                    super::$name(&h).await;
                    h.finish().await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(h) = $crate::harness::Harness::new($crate::harness::Backend::Postgres, stringify!($name)).await {
                        super::$name(&h).await;
                        h.finish().await;
                    }
                }
            }
        )+
    };
}
