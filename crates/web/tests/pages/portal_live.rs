//! The portal's live list: a customer's stream announces their own tickets'
//! changes and nothing else; agent and customer sessions never open each
//! other's stream. Runs on SQLite and PostgreSQL.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt;
use serde_json::json;
use std::time::Duration;
use tower::ServiceExt;

both_backends!(
    a_customer_s_stream_announces_only_their_own_tickets,
    a_customer_hears_nothing_of_what_only_staff_see,
    agent_and_customer_streams_refuse_each_other_s_session,
);

/// The answer to a GET of `path` with these cookies.
async fn open(h: &Harness, path: &str, cookies: &[(&str, &str)]) -> axum::response::Response {
    let jar: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = Request::get(path)
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .expect("a request");
    h.router.clone().oneshot(request).await.expect("an answer")
}

/// Reads the stream until it announces `ticket` (within three seconds).
async fn until_announced(body: &mut axum::body::BodyDataStream, seen: &mut String, ticket: i64) {
    while !seen.contains(&format!("data: {ticket}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next())
            .await
            .unwrap_or_else(|_| panic!("ticket {ticket} announced in time; got {seen}"))
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The agent replies to the customer's ticket; the stream announces it.
async fn reply_is_announced(
    h: &Harness,
    (body, seen): (&mut axum::body::BodyDataStream, &mut String),
    mine: i64,
) {
    agent_posts(
        h,
        mine,
        "messages",
        json!({"kind": "reply", "body": "Zed, it ships."}),
    )
    .await;
    until_announced(body, seen, mine).await;
}

/// The agent posts to a ticket through the API.
async fn agent_posts(h: &Harness, ticket: i64, path: &str, body: serde_json::Value) {
    let (s, b) = h
        .post(&format!("/api/v1/tickets/{ticket}/{path}"), &h.agent, body)
        .await;
    assert!(s.is_success(), "{b}");
}

async fn a_customer_s_stream_announces_only_their_own_tickets(h: &Harness) {
    let mut zed = crate::portal::a_signed_in_customer(h, "zed@example.com").await;
    let mine = mail_in(h, "Zed Other", "zed@example.com", "Second order", "Hi").await;
    let other = mail_in(h, "Ann Lee", "ann@example.com", "Ann's order", "Hi").await;
    let list = zed.get("/portal").await;
    assert!(
        list.body.contains("data-portal-live=\"/portal/live\""),
        "{}",
        list.body
    );
    let script = &rapport_web::pages::assets::PORTAL_JS.path;
    assert!(list.body.contains(script.as_str()), "{}", list.body);
    assert_eq!(zed.get(script).await.status, StatusCode::OK);
    let token = zed.cookies["rapport_customer"].clone();
    let response = open(h, "/portal/live", &[("rapport_customer", &token)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body().into_data_stream();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut seen = String::new();
    // Another customer's ticket changes first, then a note on Zed's own:
    // neither the other ticket nor the note's words may reach Zed.
    agent_posts(
        h,
        other,
        "messages",
        json!({"kind": "reply", "body": "Ann, it ships."}),
    )
    .await;
    agent_posts(
        h,
        mine,
        "messages",
        json!({"kind": "note", "body": "SECRET-NOTE-42"}),
    )
    .await;
    reply_is_announced(h, (&mut body, &mut seen), mine).await;
    agent_posts(h, mine, "status", json!({"status": "solved"})).await;
    let before = seen.matches(&format!("data: {mine}\n")).count();
    while seen.matches(&format!("data: {mine}\n")).count() == before {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next())
            .await
            .unwrap_or_else(|_| panic!("the status change announced; got {seen}"))
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    agent_posts(h, other, "status", json!({"status": "solved"})).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    if let Ok(Some(Ok(chunk))) = tokio::time::timeout(Duration::from_millis(200), body.next()).await
    {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!seen.contains(&format!("data: {other}\n")), "{seen}");
    assert!(!seen.contains("SECRET"), "{seen}");
    assert!(!seen.contains("ships"), "{seen}");
}

/// Everything the stream sends within `wait`.
async fn drain(body: &mut axum::body::BodyDataStream, seen: &mut String, wait: Duration) {
    let until = tokio::time::Instant::now() + wait;
    while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(until, body.next()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

async fn a_customer_hears_nothing_of_what_only_staff_see(h: &Harness) {
    let zed = crate::portal::a_signed_in_customer(h, "zed@example.com").await;
    let mine = mail_in(h, "Zed Other", "zed@example.com", "Third order", "Hi").await;
    let token = zed.cookies["rapport_customer"].clone();
    let response = open(h, "/portal/live", &[("rapport_customer", &token)]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body().into_data_stream();
    tokio::time::sleep(Duration::from_millis(600)).await;
    // An agent opens the ticket and starts writing, notes it, tags it,
    // and raises its priority: none of it is the customer's to
    // see, so none of it is announced (not even as a bare id).
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let at = format!("/app/tickets/{mine}");
    let page = agent.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    let beat = agent
        .post(
            &format!("{at}/presence"),
            &[
                ("csrf", &page.csrf()),
                ("activity", "replying"),
                ("based_on", &crate::browser::hidden(&page, "based_on")),
            ],
        )
        .await;
    assert_eq!(beat.status, StatusCode::OK, "{}", beat.body);
    agent_posts(
        h,
        mine,
        "messages",
        json!({"kind": "note", "body": "Check stock."}),
    )
    .await;
    // A lead may change a ticket nobody owns.
    for (path, body) in [
        ("tags", json!({"add": ["vip"]})),
        ("priority", json!({"priority": "high"})),
    ] {
        let (s, b) = h
            .post(&format!("/api/v1/tickets/{mine}/{path}"), &h.lead, body)
            .await;
        assert!(s.is_success(), "{b}");
    }
    let mut seen = String::new();
    drain(&mut body, &mut seen, Duration::from_millis(1500)).await;
    assert!(!seen.contains("data: "), "nothing announced: {seen}");
    // Then a reply is, and so is a close as a duplicate (a new status
    // without a status-change event).
    reply_is_announced(h, (&mut body, &mut seen), mine).await;
    let older = mail_in(h, "Zed Other", "zed@example.com", "Third order again", "Hi").await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{older}/close-as-duplicate"),
            &h.lead,
            json!({"of": mine, "reason": "the same order"}),
        )
        .await;
    assert!(s.is_success(), "{b}");
    until_announced(&mut body, &mut seen, older).await;
}

async fn agent_and_customer_streams_refuse_each_other_s_session(h: &Harness) {
    let zed = crate::portal::a_signed_in_customer(h, "zed@example.com").await;
    let customer = zed.cookies["rapport_customer"].clone();
    let mut agent = Browser::new(h);
    agent.sign_in("agent@test.example").await;
    let agent_token = agent.cookies["rapport_agent"].clone();
    for (path, cookie, token) in [
        ("/portal/live", "rapport_agent", &agent_token),
        ("/portal/live", "rapport_customer", &agent_token),
        ("/app/live", "rapport_customer", &customer),
        ("/app/live", "rapport_agent", &customer),
    ] {
        let answer = open(h, path, &[(cookie, token)]).await;
        assert_ne!(answer.status(), StatusCode::OK, "{path} with {cookie}");
        let kind = answer
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(
            !kind.starts_with("text/event-stream"),
            "{path} with {cookie}"
        );
    }
    assert_eq!(
        open(h, "/portal/live", &[]).await.status().as_u16() / 100,
        3
    );
    assert_eq!(
        open(h, "/portal/live", &[("rapport_customer", &customer)])
            .await
            .status(),
        StatusCode::OK
    );
}
