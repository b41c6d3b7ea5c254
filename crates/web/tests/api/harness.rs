//! A fresh database per test, on SQLite and on a real PostgreSQL.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use rapport_app::{App, AppConfig};
use rapport_core::{AgentId, Role, TeamId};
use rapport_store::Store;
use rapport_testkit::postgres::TestDatabase;
use serde_json::Value;
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running app on a fresh database, with staff and their tokens.
pub struct Harness {
    /// The database under the app, for checks the API does not offer.
    pub store: Store,
    pub blob_dir: std::path::PathBuf,
    pub app: App,
    pub router: axum::Router,
    pub admin: String,
    pub lead: String,
    pub agent: String,
    pub other_agent: String,
    /// The admin's `inbound_mail` token, as the MTA pipe uses.
    pub mail_pipe: String,
    pub admin_id: AgentId,
    pub lead_id: AgentId,
    pub agent_id: AgentId,
    pub other_agent_id: AgentId,
    pub team: TeamId,
    pub team2: TeamId,
    pub database_url: String,
    cleanup: Cleanup,
}

pub enum Cleanup {
    File(std::path::PathBuf),
    Database(TestDatabase),
}

pub fn unique(name: &str) -> String {
    rapport_testkit::postgres::unique(name)
}

/// Opens a fresh store, or `None` when PostgreSQL is missing off CI (said loudly).
pub async fn fresh_store(backend: Backend, name: &str) -> Option<(Store, String, Cleanup)> {
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique(name)));
            let url = format!("sqlite:{}", path.display());
            let store = Store::open(&url).await.expect("open SQLite");
            Some((store, url, Cleanup::File(path)))
        }
        Backend::Postgres => {
            let db = TestDatabase::create(name).await?;
            let store = Store::open(&db.url).await.expect("open PostgreSQL");
            Some((store, db.url.clone(), Cleanup::Database(db)))
        }
    }
}

/// A fresh database with the schema of an older release: migrated up to
/// `version` only (`None` when PostgreSQL is missing off CI, said loudly).
pub async fn database_at(
    backend: Backend,
    name: &str,
    version: i64,
) -> Option<(Store, String, Cleanup)> {
    let (url, cleanup) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique(name)));
            (format!("sqlite:{}", path.display()), Cleanup::File(path))
        }
        Backend::Postgres => {
            let db = TestDatabase::create(name).await?;
            (db.url.clone(), Cleanup::Database(db))
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate_up_to(version).await.expect("migrate");
    Some((store, url, cleanup))
}

impl Cleanup {
    pub async fn run(self) {
        match self {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database(db) => db.drop_database().await,
        }
    }
}

impl Harness {
    pub async fn new(backend: Backend, name: &str) -> Option<Self> {
        Self::with_config(backend, name, AppConfig::default()).await
    }

    /// A harness whose app has these settings (attachments in a fresh folder).
    pub async fn with_config(backend: Backend, name: &str, config: AppConfig) -> Option<Self> {
        let (store, database_url, cleanup) = fresh_store(backend, name).await?;
        let blob_dir = std::env::temp_dir().join(format!("{}-blobs", unique(name)));
        let blobs = rapport_store::Blobs::filesystem(&blob_dir).expect("blob folder");
        let app = App::new(store.clone(), blobs, config);
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
        let (admin_id, admin) = mk("admin@test.example", Role::Admin).await;
        let (lead_id, lead) = mk("lead@test.example", Role::Lead).await;
        let mail_pipe = app
            .issue_token_with_scope(admin_id, "MTA pipe", rapport_core::Scope::InboundMail)
            .await
            .expect("inbound token")
            .token;
        let (agent_id, agent) = mk("agent@test.example", Role::Agent).await;
        let (other_agent_id, other_agent) = mk("other@test.example", Role::Agent).await;
        let team = store.insert_team("Support").await.expect("team").id;
        let team2 = store.insert_team("Billing").await.expect("team").id;
        let router = rapport_web::router(app.clone());
        Some(Self {
            store,
            database_url,
            blob_dir,
            app,
            router,
            admin,
            lead,
            agent,
            other_agent,
            mail_pipe,
            admin_id,
            lead_id,
            agent_id,
            other_agent_id,
            team,
            team2,
            cleanup,
        })
    }

    pub async fn finish(self) {
        self.app.close().await;
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
        send(self.router.clone(), request).await
    }

    /// Sends a request on a task of its own, so several truly run side by side.
    pub fn spawn_raw(
        &self,
        request: Request<Body>,
    ) -> tokio::task::JoinHandle<(StatusCode, Value)> {
        tokio::spawn(send(self.router.clone(), request))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Opens a ticket from a customer e-mail; returns its id.
    pub async fn ticket(&self, subject: &str, team: Option<TeamId>) -> i64 {
        self.open_for_ann(serde_json::json!({
            "subject": subject,
            "team_id": team.map(|t| t.0),
            "message": "My order 5521 arrived broken. Can you send a new one?"
        }))
        .await
    }

    /// Opens a ticket through the API with a priority, a channel and tags
    /// (for Ann Lee, with a first message); returns its id.
    pub async fn ticket_with(
        &self,
        subject: &str,
        (priority, channel): (&str, &str),
        tags: &[&str],
    ) -> i64 {
        self.open_for_ann(serde_json::json!({
            "subject": subject,
            "priority": priority,
            "channel": channel,
            "tags": tags,
            "message": "Please help.",
        }))
        .await
    }

    /// Opens a ticket for Ann Lee with these fields; returns its id.
    async fn open_for_ann(&self, mut fields: Value) -> i64 {
        fields["customer_email"] = "ann.lee@example.com".into();
        fields["customer_name"] = "Ann Lee".into();
        let (status, body) = self.post("/api/v1/tickets", &self.agent, fields).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["ticket"]["id"].as_i64().expect("ticket id")
    }

    /// The agent replies (taking the ticket if it had no owner), then
    /// solves it; returns what the API answered to each: (reply, solve).
    pub async fn reply_and_solve(&self, id: i64, reply: &str) -> (Value, Value) {
        let (status, replied) = self
            .post(
                &format!("/api/v1/tickets/{id}/messages"),
                &self.agent,
                serde_json::json!({"kind": "reply", "body": reply}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{replied}");
        let (status, body) = self
            .post(
                &format!("/api/v1/tickets/{id}/status"),
                &self.agent,
                serde_json::json!({"status": "solved"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["ticket"]["status"], "solved", "{body}");
        (replied, body)
    }

    /// A ticket of `team` the agent answered and solved; its id.
    pub async fn solved_ticket(&self, subject: &str, team: Option<TeamId>) -> i64 {
        let id = self.ticket(subject, team).await;
        self.reply_and_solve(id, "Hello Ann, a new lamp ships today.")
            .await;
        id
    }
}

impl Harness {
    /// Queues a customer's mail (its acknowledgment, which needs outbound
    /// mail on) and has a worker give it up; returns the ticket and outbox ids.
    pub async fn failed_send(&self, who: &str) -> (i64, i64) {
        let raw = format!(
            "Message-ID: <{who}@customer.example>\r\nFrom: {who}@customer.example\r\nTo: support@localhost\r\nSubject: Broken lamp\r\n\r\nMy lamp arrived broken.\r\n"
        );
        let outcome = self.app.ingest_mail(raw.as_bytes()).await.expect("ingest");
        let ticket = outcome.ticket().expect("a ticket");
        let lease = rapport_core::Timestamp(rapport_core::Timestamp::now().0 + 60_000_000);
        let claimed = self
            .store
            .claim_outbox("w", 10, lease)
            .await
            .expect("claim");
        assert_eq!(claimed.len(), 1, "one acknowledgment queued");
        let id = claimed[0].record.id;
        let failed = self.store.outbox_failed(id, "w", "550 no such user").await;
        assert!(failed.expect("fail"));
        (ticket.0, id)
    }
}

/// Sends a request through `router`; the status and the JSON body (Null
/// when empty, a string when not JSON).
async fn send(router: axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.oneshot(request).await.unwrap_or_else(|e| match e {});
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

/// Runs a test body on SQLite and on PostgreSQL with these app settings
/// (an expression evaluated inside the test's module, e.g. `super::config()`).
#[macro_export]
macro_rules! both_backends_with {
    ($config:expr; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                async fn run(backend: $crate::harness::Backend) {
                    if let Some(h) = $crate::harness::Harness::with_config(backend, stringify!($name), $config).await {
                        super::$name(&h).await;
                        h.finish().await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run($crate::harness::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run($crate::harness::Backend::Postgres).await;
                }
            }
        )+
    };
}
