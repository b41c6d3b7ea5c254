//! Issue 8, item 3: login that cannot be turned against agents, and rate
//! limits on setup, the coach and inbound mail. Each test is named after
//! what it guards.

use crate::harness::Harness;
use crate::{both_backends, both_backends_with};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use rapport_core::Timestamp;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

/// Sends a JSON request from a client address; returns status, headers and body.
async fn from(
    router: &axum::Router,
    client: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::post(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let mut request = request.body(Body::from(body.to_string())).unwrap();
    let addr: SocketAddr = format!("{client}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn login(
    router: &axum::Router,
    client: &str,
    email: &str,
    password: &str,
) -> (StatusCode, HeaderMap, Value) {
    let body = json!({"email": email, "password": password});
    from(router, client, "/api/v1/auth/login", None, body).await
}

fn retry_after(headers: &HeaderMap) -> u64 {
    headers
        .get("retry-after")
        .expect("a 429 says when to come back")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

const RIGHT: &str = "correct horse battery";
const AGENT: &str = "agent@test.example";

/// Twelve attackers put the agent's account under attack: each new client
/// gets one guess, then waits while the account is under attack.
async fn attack_the_agent(router: &axum::Router) {
    let attackers: Vec<String> = (1..=12).map(|n| format!("203.0.113.{n}")).collect();
    for attacker in &attackers {
        let (s, _, b) = login(router, attacker, AGENT, "wrong password!").await;
        assert_eq!(s, 401, "{b}");
    }
    for attacker in &attackers {
        let (s, h, b) = login(router, attacker, AGENT, "wrong password!").await;
        assert_eq!(
            (s.as_u16(), b["error"]["code"].as_str()),
            (429, Some("rate_limited"))
        );
        assert!((1..=900).contains(&retry_after(&h)));
    }
}

async fn an_attacked_account_still_lets_its_agent_in(h: &Harness) {
    attack_the_agent(&h.router).await;
    // A client that has not been failing logs in with the right password.
    let (s, headers, b) = login(&h.router, "198.51.100.7", AGENT, RIGHT).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        headers["cache-control"], "no-store",
        "a token is never cached"
    );
    // An attacker holding the right password now is still refused: it has been failing.
    let (s, headers, _) = login(&h.router, "203.0.113.12", AGENT, RIGHT).await;
    assert_eq!(s, 429);
    assert!(retry_after(&headers) >= 1);
    // A fresh client gets one guess; wrong, it counts as failing while the account is under attack.
    let (s, _, _) = login(&h.router, "192.0.2.50", AGENT, "another guess!").await;
    assert_eq!(s, 401);
    let (s, headers, _) = login(&h.router, "192.0.2.50", AGENT, RIGHT).await;
    assert_eq!(s, 429);
    assert!(retry_after(&headers) >= 1);
    // Other accounts are untouched.
    let (s, _, _) = login(&h.router, "192.0.2.50", "lead@test.example", RIGHT).await;
    assert_eq!(s, 200);
}

async fn login_limits_hold_across_servers(h: &Harness) {
    attack_the_agent(&h.router).await;
    // A second server on the same database sees the same failures.
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let second = rapport_app::App::new(
        store,
        rapport_app::Blobs::in_memory(),
        rapport_app::AppConfig::default(),
    );
    let router = rapport_web::router(second.clone());
    let (s, headers, _) = login(&router, "203.0.113.12", AGENT, RIGHT).await;
    assert_eq!(s, 429);
    assert!(retry_after(&headers) >= 1);
    let (s, _, _) = login(&router, "198.51.100.8", AGENT, RIGHT).await;
    assert_eq!(s, 200);
    second.close().await;
}

async fn password_spraying_is_slowed_with_growing_waits(h: &Harness) {
    let sprayer = "203.0.113.66";
    for n in 0..10 {
        let email = format!("person{n}@test.example");
        let (s, _, _) = login(&h.router, sprayer, &email, "Summer2024!!").await;
        assert_eq!(s, 401, "attempt {n}");
    }
    let (s, headers, _) = login(&h.router, sprayer, "person10@test.example", "Summer2024!!").await;
    assert_eq!(s, 429, "the eleventh account in a row waits");
    assert_eq!(retry_after(&headers), 1);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (s, _, _) = login(&h.router, sprayer, "person10@test.example", "Summer2024!!").await;
    assert_eq!(s, 401, "after the wait, one more try");
    let (s, headers, _) = login(&h.router, sprayer, "person11@test.example", "Summer2024!!").await;
    assert_eq!(s, 429);
    assert_eq!(retry_after(&headers), 2, "each failure doubles the wait");
    // The sprayer is slowed even with a real agent's right password…
    let (s, _, _) = login(&h.router, sprayer, AGENT, RIGHT).await;
    assert_eq!(s, 429);
    // …while everyone else logs in.
    let (s, _, _) = login(&h.router, "198.51.100.9", AGENT, RIGHT).await;
    assert_eq!(s, 200);
}

async fn login_refuses_overlong_addresses_before_hashing(h: &Harness) {
    let email = format!("{}@example.com", "a".repeat(243));
    assert_eq!(email.len(), 255);
    let (s, _, b) = login(&h.router, "198.51.100.10", &email, RIGHT).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("email"))
    );
    let rows = h
        .store
        .throttle_rows(&["ip:198.51.100.10"], Timestamp(0))
        .await
        .unwrap();
    assert!(rows.is_empty(), "no attempt was recorded");
    // Agents and customers cannot be given such an address either.
    let (s, _) = h
        .post(
            "/api/v1/agents",
            &h.admin,
            json!({"email": email, "name": "Long", "role": "agent"}),
        )
        .await;
    assert_eq!(s, 422);
}

async fn login_failures_are_forgotten_and_pruned(h: &Harness) {
    let store = &h.store;
    let old = Timestamp::now().plus_seconds(-2 * 3600);
    let keys: Vec<String> = (0..50).map(|n| format!("ip:192.0.2.{n}")).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    store
        .record_failures(&keys, old, old.plus_seconds(-3600))
        .await
        .unwrap();
    assert_eq!(
        store
            .throttle_rows(&keys, Timestamp(0))
            .await
            .unwrap()
            .len(),
        50
    );
    // A failure now prunes what is an hour past its last failure.
    let (s, _, _) = login(&h.router, "198.51.100.11", AGENT, "wrong password!").await;
    assert_eq!(s, 401);
    assert!(
        store
            .throttle_rows(&keys, Timestamp(0))
            .await
            .unwrap()
            .is_empty()
    );
    let now = store
        .throttle_rows(&["ip:198.51.100.11"], Timestamp(0))
        .await
        .unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].failures, 1);
}

async fn setup_guessing_is_slowed(h: &Harness) {
    let body = json!({"setup_token": "setup_guess", "email": "boss@example.com", "name": "Boss", "password": "a long password"});
    for _ in 0..10 {
        let (s, headers, _) = from(
            &h.router,
            "203.0.113.9",
            "/api/v1/setup",
            None,
            body.clone(),
        )
        .await;
        assert_eq!(s, 401);
        assert_eq!(headers["cache-control"], "no-store");
    }
    let (s, headers, _) = from(
        &h.router,
        "203.0.113.9",
        "/api/v1/setup",
        None,
        body.clone(),
    )
    .await;
    assert_eq!(s, 429);
    assert!(retry_after(&headers) >= 1);
}

async fn new_tokens_are_never_cached(h: &Harness) {
    let (s, headers, b) = from(
        &h.router,
        "198.51.100.12",
        "/api/v1/auth/tokens",
        Some(&h.agent),
        json!({"name": "CRM"}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(headers["cache-control"], "no-store");
}

fn tight_limits() -> rapport_app::AppConfig {
    rapport_app::AppConfig {
        security: rapport_app::SecurityConfig {
            coach_per_minute: 3,
            inbound_per_minute: 2,
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn coach_and_inbound_mail_are_rate_limited(h: &Harness) {
    let draft = json!({"draft": "Hi Ann, the replacement ships today. Best, Sam"});
    for _ in 0..3 {
        let (s, _, b) = from(
            &h.router,
            "198.51.100.13",
            "/api/v1/coach",
            Some(&h.agent),
            draft.clone(),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, headers, _) = from(
        &h.router,
        "198.51.100.13",
        "/api/v1/coach",
        Some(&h.agent),
        draft.clone(),
    )
    .await;
    assert_eq!(s, 429);
    assert!((1..=60).contains(&retry_after(&headers)));
    // Another agent has a bucket of their own.
    let (s, _, _) = from(
        &h.router,
        "198.51.100.13",
        "/api/v1/coach",
        Some(&h.lead),
        draft,
    )
    .await;
    assert_eq!(s, 200);
    let post = |n: usize| {
        let raw = format!(
            "Message-ID: <limit{n}@customer.example>\r\nFrom: ann@customer.example\r\nTo: support@shop.example\r\nSubject: Lamp {n}\r\n\r\nBroken.\r\n"
        );
        let request = Request::post("/api/v1/inbound/mime")
            .header("authorization", format!("Bearer {}", h.mail_pipe))
            .header("content-type", "message/rfc822")
            .body(Body::from(raw))
            .unwrap();
        h.router.clone().oneshot(request)
    };
    for n in 0..2 {
        assert_eq!(post(n).await.unwrap().status(), 202);
    }
    let refused = post(2).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
}

both_backends!(
    an_attacked_account_still_lets_its_agent_in,
    login_limits_hold_across_servers,
    password_spraying_is_slowed_with_growing_waits,
    login_refuses_overlong_addresses_before_hashing,
    login_failures_are_forgotten_and_pruned,
    setup_guessing_is_slowed,
    new_tokens_are_never_cached,
);
both_backends_with!(super::tight_limits(); coach_and_inbound_mail_are_rate_limited);
