//! Issue 10, gap 5: hostile requests on the newer JSON routes (one's own
//! record, an admin's password reset, deleting a team, retrying a failed
//! send, an agent's audit), sent side by side in rounds with good requests
//! among them: bad JSON, NUL bytes in values and keys, oversized bodies,
//! unknown and malformed ids and wrong roles each get their 4xx with the
//! stable error code (and the field where one is to blame), never a 5xx;
//! the good requests all succeed and nothing the hostile ones aimed at
//! changes. And one bad request never slows the others: good requests are
//! timed while hostile bodies stream in beside them, against a baseline
//! without them. On SQLite and on PostgreSQL.

use crate::harness::Harness;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode};
use rapport_app::{AppConfig, MailConfig};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ROUNDS: usize = 6;

fn config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            outbound: true,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

crate::both_backends_with!(super::config();
    hostile_bodies_on_the_admin_routes_get_clear_errors_under_load,
    good_requests_keep_their_pace_while_hostile_bodies_stream_in,
);

/// One request and what it must get: status, code and (maybe) field.
struct Case {
    method: Method,
    path: String,
    token: Option<String>,
    content_type: &'static str,
    body: String,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
}

impl Case {
    fn new(method: Method, path: impl Into<String>, token: &str, body: impl Into<String>) -> Self {
        Case {
            method,
            path: path.into(),
            token: Some(token.to_string()),
            content_type: "application/json",
            body: body.into(),
            status: 200,
            code: "",
            field: None,
        }
    }

    /// Expects an error: its status, code and field.
    fn fails(mut self, status: u16, code: &'static str, field: Option<&'static str>) -> Self {
        self.status = status;
        self.code = code;
        self.field = field;
        self
    }

    fn request(&self) -> Request<Body> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(&self.path)
            .header("content-type", self.content_type);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::from(self.body.clone())).unwrap()
    }

    /// What is wrong with the answer, if anything.
    fn check(&self, status: StatusCode, body: &Value) -> Option<String> {
        let code = body["error"]["code"].as_str().unwrap_or("");
        let field = body["error"]["field"].as_str();
        let fine = status.as_u16() == self.status
            && (self.status < 400
                || (code == self.code
                    && body["error"]["message"]
                        .as_str()
                        .is_some_and(|m| !m.is_empty())
                    && (self.field.is_none() || field == self.field)));
        (!fine).then(|| {
            let shown: String = self.body.chars().take(80).collect();
            format!(
                "{} {} {shown:?}: expected {} {} {:?}, got {status} {body}",
                self.method, self.path, self.status, self.code, self.field
            )
        })
    }
}

/// Every hostile case of a round, and the good requests beside them.
fn cases(h: &Harness, team: i64, outbox: i64) -> Vec<Case> {
    let agent = h.agent_id.0;
    let big = format!("{{\"name\": \"{}\"}}", "a".repeat(1_100_000));
    let big_password = format!("{{\"password\": \"{}\"}}", "a".repeat(1_100_000));
    let me = "/api/v1/agents/me";
    let password = format!("/api/v1/agents/{agent}/password");
    let mut all = vec![
        // One's own record.
        Case::new(Method::PATCH, me, &h.agent, "{\"name\": ").fails(400, "invalid_json", None),
        Case::new(Method::PATCH, me, &h.agent, r#"{"name": "Eve\u0000"}"#).fails(
            422,
            "invalid_field",
            Some("name"),
        ),
        Case::new(Method::PATCH, me, &h.agent, r#"{"na\u0000me": "Eve"}"#).fails(
            422,
            "invalid_field",
            None,
        ),
        Case::new(Method::PATCH, me, &h.agent, r#"{"role": "admin"}"#).fails(
            422,
            "invalid_field",
            Some("role"),
        ),
        Case::new(Method::PATCH, me, &h.agent, r#"{"language": "xx"}"#).fails(
            422,
            "invalid_field",
            Some("language"),
        ),
        Case::new(
            Method::PATCH,
            me,
            &h.agent,
            r#"{"time_zone": "Mars/Olympus"}"#,
        )
        .fails(422, "invalid_field", Some("time_zone")),
        Case::new(Method::PATCH, me, &h.agent, r#"{"name": "  "}"#).fails(
            422,
            "invalid_field",
            Some("name"),
        ),
        Case::new(Method::PATCH, me, &h.agent, big).fails(413, "payload_too_large", None),
        Case {
            content_type: "text/plain",
            ..Case::new(Method::PATCH, me, &h.agent, r#"{"name": "Eve"}"#).fails(
                415,
                "unsupported_media_type",
                None,
            )
        },
        Case {
            token: None,
            ..Case::new(Method::PATCH, me, &h.agent, r#"{"name": "Eve"}"#).fails(
                401,
                "unauthorized",
                None,
            )
        },
        // An admin's password reset.
        Case::new(
            Method::POST,
            &password,
            &h.agent,
            r#"{"password": "correct horse battery"}"#,
        )
        .fails(403, "forbidden", None),
        Case::new(
            Method::POST,
            &password,
            &h.lead,
            r#"{"password": "correct horse battery"}"#,
        )
        .fails(403, "forbidden", None),
        Case::new(
            Method::POST,
            &password,
            &h.admin,
            r#"{"password": "short"}"#,
        )
        .fails(422, "invalid_field", Some("password")),
        Case::new(
            Method::POST,
            &password,
            &h.admin,
            r#"{"password": "correct horse\u0000battery"}"#,
        )
        .fails(422, "invalid_field", Some("password")),
        Case::new(
            Method::POST,
            &password,
            &h.admin,
            r#"{"password": "correct horse battery", "role": "admin"}"#,
        )
        .fails(422, "invalid_field", Some("role")),
        Case::new(Method::POST, &password, &h.admin, "{\"password\": [").fails(
            400,
            "invalid_json",
            None,
        ),
        Case::new(Method::POST, &password, &h.admin, big_password).fails(
            413,
            "payload_too_large",
            None,
        ),
        Case::new(
            Method::POST,
            "/api/v1/agents/999999/password",
            &h.admin,
            r#"{"password": "correct horse battery"}"#,
        )
        .fails(404, "not_found", None),
        // Deleting a team.
        Case::new(
            Method::DELETE,
            format!("/api/v1/teams/{team}"),
            &h.agent,
            "",
        )
        .fails(403, "forbidden", None),
        Case::new(Method::DELETE, "/api/v1/teams/999999", &h.admin, "").fails(
            404,
            "not_found",
            None,
        ),
        // Retrying a failed send.
        Case::new(
            Method::POST,
            format!("/api/v1/outbox/{outbox}/retry"),
            &h.lead,
            "",
        )
        .fails(403, "forbidden", None),
        Case::new(
            Method::POST,
            format!("/api/v1/outbox/{outbox}/retry"),
            &h.agent,
            "",
        )
        .fails(403, "forbidden", None),
        Case::new(Method::POST, "/api/v1/outbox/999999/retry", &h.admin, "").fails(
            404,
            "not_found",
            None,
        ),
        // An agent's audit.
        Case::new(
            Method::GET,
            format!("/api/v1/agents/{agent}/audit"),
            &h.agent,
            "",
        )
        .fails(403, "forbidden", None),
        Case::new(
            Method::GET,
            format!("/api/v1/agents/{agent}/audit"),
            &h.lead,
            "",
        )
        .fails(403, "forbidden", None),
        Case::new(Method::GET, "/api/v1/agents/999999/audit", &h.admin, "").fails(
            404,
            "not_found",
            None,
        ),
        // The good requests among them.
        Case::new(Method::PATCH, me, &h.other_agent, r#"{"language": "de"}"#),
        Case::new(
            Method::GET,
            format!("/api/v1/agents/{agent}/audit"),
            &h.admin,
            "",
        ),
    ];
    // Malformed ids on every route with one: an id is a positive number.
    for id in ["abc", "-1", "0", "1%00", "99999999999999999999", "1.5"] {
        for (method, path, body) in [
            (
                Method::POST,
                format!("/api/v1/agents/{id}/password"),
                r#"{"password": "correct horse battery"}"#,
            ),
            (Method::DELETE, format!("/api/v1/teams/{id}"), ""),
            (Method::POST, format!("/api/v1/outbox/{id}/retry"), ""),
            (Method::GET, format!("/api/v1/agents/{id}/audit"), ""),
        ] {
            all.push(Case::new(method, path, &h.admin, body).fails(404, "not_found", None));
        }
    }
    all
}

async fn hostile_bodies_on_the_admin_routes_get_clear_errors_under_load(h: &Harness) {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Returns"}))
        .await;
    assert_eq!(s, 201, "{t}");
    let team = t["id"].as_i64().unwrap();
    let (_, outbox) = h.failed_send("ann").await;
    let before = h.store.agent(h.agent_id).await.unwrap();

    let mut sent = 0;
    let mut wrong = Vec::new();
    for _ in 0..ROUNDS {
        let round = cases(h, team, outbox);
        let tasks: Vec<_> = round.iter().map(|c| h.spawn_raw(c.request())).collect();
        for (case, task) in round.iter().zip(tasks) {
            let (status, body) = task.await.unwrap();
            sent += 1;
            wrong.extend(case.check(status, &body));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {sent} answers wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    eprintln!("{sent} requests, every answer as expected");

    // Nothing the hostile requests aimed at changed.
    let after = h.store.agent(h.agent_id).await.unwrap();
    assert_eq!(after.name, before.name);
    assert_eq!(after.role, before.role);
    assert_eq!(after.password_hash, before.password_hash);
    assert_eq!(after.language, before.language);
    let (_, audit) = h
        .get(&format!("/api/v1/agents/{}/audit", h.agent_id.0), &h.admin)
        .await;
    assert_eq!(audit, json!([]), "no password was reset");
    assert_eq!(
        h.store.outbox_record(outbox).await.unwrap().status.as_str(),
        "failed",
        "no wrong role retried the send"
    );
    assert_eq!(
        h.get(&format!("/api/v1/teams/{team}"), &h.agent).await.0,
        200
    );
    // The good requests took effect.
    let other = h.store.agent(h.other_agent_id).await.unwrap();
    assert_eq!(other.language.as_deref(), Some("de"));
    // And the routes still do their work afterwards.
    let (s, b) = h
        .post(
            &format!("/api/v1/outbox/{outbox}/retry"),
            &h.admin,
            Value::Null,
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["requeued"].clone()),
        (200, json!([outbox])),
        "{b}"
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/agents/{}/password", h.agent_id.0),
            &h.admin,
            json!({"password": "another horse battery"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (_, audit) = h
        .get(&format!("/api/v1/agents/{}/audit", h.agent_id.0), &h.admin)
        .await;
    assert_eq!(audit.as_array().map(Vec::len), Some(1), "{audit}");
    let (s, b) = h
        .call(
            Method::DELETE,
            &format!("/api/v1/teams/{team}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(s, 204, "{b}");
}

/// Rounds of the three good requests timed, with and without hostile load.
const TIMED_ROUNDS: usize = 40;
/// Good requests under load may take this many times the baseline's p99...
const SLOWDOWN: u32 = 5;
/// ... or this long, whichever is more (a loaded 2-core machine's noise).
const FLOOR: Duration = Duration::from_millis(250);

/// The good requests of one round: a read, an admin's read, a write.
fn good_round(h: &Harness, n: usize) -> Vec<Case> {
    let language = if n.is_multiple_of(2) { "de" } else { "en" };
    vec![
        Case::new(Method::GET, "/api/v1/agents/me", &h.agent, ""),
        Case::new(
            Method::GET,
            format!("/api/v1/agents/{}/audit", h.agent_id.0),
            &h.admin,
            "",
        ),
        Case::new(
            Method::PATCH,
            "/api/v1/agents/me",
            &h.other_agent,
            format!("{{\"language\": \"{language}\"}}"),
        ),
    ]
}

/// Each good request's time, one after another (every answer checked).
async fn time_good_requests(h: &Harness) -> Vec<Duration> {
    let mut times = Vec::new();
    for n in 0..TIMED_ROUNDS {
        for case in good_round(h, n) {
            let started = Instant::now();
            let (status, body) = h.raw(case.request()).await;
            times.push(started.elapsed());
            assert_eq!(case.check(status, &body), None);
        }
    }
    times
}

fn p99(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[(times.len() * 99 / 100).min(times.len() - 1)]
}

/// A body of `bytes` that arrives in 64 KiB pieces, 5 ms apart.
fn trickle(bytes: Bytes) -> Body {
    let pieces: Vec<Bytes> = (0..bytes.len())
        .step_by(64 * 1024)
        .map(|at| bytes.slice(at..(at + 64 * 1024).min(bytes.len())))
        .collect();
    let stream = futures_util::stream::unfold(pieces.into_iter(), |mut rest| async move {
        let piece = rest.next()?;
        tokio::time::sleep(Duration::from_millis(5)).await;
        Some((Ok::<_, std::io::Error>(piece), rest))
    });
    Body::from_stream(stream)
}

/// Sends hostile requests one after another until `stop`: bad JSON, NUL
/// bytes in a value and in a key, and a body over 1 MiB (trickled in when
/// `slow`); each must get its 4xx. Returns how many were sent.
async fn hostile_stream(
    h_router: axum::Router,
    token: String,
    stop: Arc<AtomicBool>,
    slow: bool,
) -> usize {
    let big = Bytes::from(format!("{{\"name\": \"{}\"}}", "a".repeat(1_100_000)));
    let bodies: [(Bytes, u16); 4] = [
        (Bytes::from_static(b"{\"name\": "), 400),
        (Bytes::from_static(br#"{"name": "Eve\u0000"}"#), 422),
        (Bytes::from_static(br#"{"na\u0000me": "Eve"}"#), 422),
        (big, 413),
    ];
    let mut sent = 0;
    while !stop.load(Ordering::Relaxed) {
        let (bytes, expected) = &bodies[sent % bodies.len()];
        let body = if slow && bytes.len() > MAX_SMALL {
            trickle(bytes.clone())
        } else {
            Body::from(bytes.clone())
        };
        let request = Request::builder()
            .method(Method::PATCH)
            .uri("/api/v1/agents/me")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(body)
            .unwrap();
        let response = tower::ServiceExt::oneshot(h_router.clone(), request)
            .await
            .unwrap_or_else(|e| match e {});
        assert_eq!(response.status().as_u16(), *expected, "hostile body {sent}");
        sent += 1;
        // An attacker's pace, not a CPU hog in this process: back to back,
        // the senders would measure the 2 cores' share, not the server.
        tokio::time::sleep(Duration::from_millis(PAUSE_MS)).await;
    }
    sent
}

/// Milliseconds each hostile sender waits between its requests.
const PAUSE_MS: u64 = 2;

/// Bodies up to this size are sent at once even by a slow sender.
const MAX_SMALL: usize = 1024;

async fn good_requests_keep_their_pace_while_hostile_bodies_stream_in(h: &Harness) {
    let before = h.store.agent(h.agent_id).await.unwrap();
    // Warm up (the first calls read settings and fill caches), then the baseline.
    for n in 0..5 {
        for case in good_round(h, n) {
            h.raw(case.request()).await;
        }
    }
    let baseline = p99(time_good_requests(h).await);
    // Senders of hostile bodies, every other one trickling the big ones in:
    // four, or as many as `RAPPORT_HOSTILE_SENDERS` says (a few hundred
    // take the 2 cores and the bound trips: so the check can fail).
    let count = std::env::var("RAPPORT_HOSTILE_SENDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4usize);
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..count)
        .map(|n| n % 2 == 1)
        .map(|slow| {
            tokio::spawn(hostile_stream(
                h.router.clone(),
                h.agent.clone(),
                stop.clone(),
                slow,
            ))
        })
        .collect();
    // Let them get going before the good requests start.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let loaded = time_good_requests(h).await;
    stop.store(true, Ordering::Relaxed);
    let mut hostile = 0;
    for sender in senders {
        hostile += sender.await.unwrap();
    }
    let under_load = p99(loaded);
    let bound = (baseline * SLOWDOWN).max(FLOOR);
    eprintln!(
        "good requests p99: {baseline:?} alone, {under_load:?} beside {hostile} hostile bodies (bound {bound:?})"
    );
    assert!(hostile >= 20, "the hostile senders kept going: {hostile}");
    assert!(
        under_load <= bound,
        "hostile bodies slowed the good requests: p99 {under_load:?} against {baseline:?} alone (bound {bound:?})"
    );
    let after = h.store.agent(h.agent_id).await.unwrap();
    assert_eq!(after.name, before.name, "no hostile body took effect");
}
