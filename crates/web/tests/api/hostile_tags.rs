//! Hostile tags: a tag of a megabyte, and tags carrying NUL bytes and other
//! control characters, sent through the JSON API when a ticket is opened
//! and when it is tagged, and through the inbox's filter (`?tag=...` on the
//! workspace page). Each gets a clear 4xx, never a 5xx, without the
//! megabyte echoed back; nothing is stored (no ticket, no tag, no event);
//! and the server answers the next request promptly. On SQLite and on
//! PostgreSQL.

use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::both_backends!(
    hostile_tags_are_refused_through_the_api_and_store_nothing,
    hostile_tags_in_the_inbox_filter_are_refused,
);

/// A megabyte of one letter: well within the API's body limit as JSON.
fn megabyte() -> String {
    "a".repeat(1_000_000)
}

/// Tags no ticket may carry: a megabyte (ASCII and multi-byte), NUL bytes,
/// escape sequences and other control characters, a bidi override.
fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("a megabyte", megabyte()),
        ("half a million é", "é".repeat(500_000)),
        ("a NUL byte", "vip\u{0}admin".to_string()),
        ("only NUL", "\u{0}".to_string()),
        ("an escape sequence", "vip\u{1b}[31m".to_string()),
        ("a bell", "vip\u{7}".to_string()),
        ("DEL", "vip\u{7f}x".to_string()),
        ("a C1 control", "vip\u{85}x".to_string()),
        ("a line break inside", "vip\nadmin".to_string()),
        ("a carriage return inside", "vip\radmin".to_string()),
        ("a bidi override", "vip\u{202e}nimda".to_string()),
    ]
}

/// What the database holds: tickets, tag rows, events, and every ticket's
/// (id, tags, version).
async fn stored(h: &Harness) -> (i64, i64, i64, Vec<(i64, String, i64)>) {
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let tickets = count("SELECT COUNT(*) FROM tickets").await;
    let tags = count("SELECT COUNT(*) FROM ticket_tags").await;
    let events = count("SELECT COUNT(*) FROM events").await;
    let rows = sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT id, tags, version FROM tickets ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    (tickets, tags, events, rows)
}

/// The server answers an ordinary request promptly.
async fn still_prompt(h: &Harness, ticket: i64, after: &str) {
    let started = Instant::now();
    let (status, body) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::OK, "after {after}: {body}");
    assert!(
        took < Duration::from_secs(2),
        "after {after}: the next request took {took:?}"
    );
}

/// A refusal: a 4xx with an error code, small (the hostile tag is not
/// echoed back whole).
fn refused(what: &str, status: StatusCode, body: &Value) {
    assert!(status.is_client_error(), "{what}: {status} {}", short(body));
    let text = body.to_string();
    assert!(
        text.len() < 4_096,
        "{what}: a refusal of {} bytes: {}",
        text.len(),
        short(body)
    );
    assert!(
        body["error"]["code"].is_string(),
        "{what}: no error code: {}",
        short(body)
    );
}

/// The start of an answer, for messages.
fn short(body: &Value) -> String {
    body.to_string().chars().take(300).collect()
}

async fn hostile_tags_are_refused_through_the_api_and_store_nothing(h: &Harness) {
    let _alone = crate::hostile_mail::ALONE.lock().await;
    sqlx::any::install_default_drivers();
    let ticket = h
        .ticket_with("Refund owed", ("normal", "api"), &["refund"])
        .await;
    let before = stored(h).await;
    assert_eq!((before.0, before.1), (1, 1), "one ticket with one tag");
    for (what, tag) in hostile() {
        let (status, body) = h
            .post(
                "/api/v1/tickets",
                &h.agent,
                json!({
                    "subject": "Tagged badly",
                    "customer_email": "mallory@attacker.example",
                    "tags": ["ok", tag],
                    "message": "Hello",
                }),
            )
            .await;
        refused(&format!("opening with {what}"), status, &body);
        still_prompt(h, ticket, &format!("opening with {what}")).await;
        let (status, body) = h
            .post(
                &format!("/api/v1/tickets/{ticket}/tags"),
                &h.agent,
                json!({"add": ["ok", tag]}),
            )
            .await;
        refused(&format!("tagging with {what}"), status, &body);
        still_prompt(h, ticket, &format!("tagging with {what}")).await;
    }
    // A body past the API's limit is refused before it is read.
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/tags"),
            &h.agent,
            json!({"add": ["a".repeat(1_100_000)]}),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{}", short(&body));
    still_prompt(h, ticket, "an oversized body").await;
    assert!(
        stored(h).await == before,
        "a hostile tag changed what is stored"
    );
    // And the ticket still takes a good tag.
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/tags"),
            &h.agent,
            json!({"add": ["vip"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ticket"]["tags"], json!(["refund", "vip"]), "{body}");
}

/// Hostile `?tag=` values, percent-encoded as a browser sends them.
fn hostile_queries() -> Vec<(&'static str, String)> {
    vec![
        ("a NUL byte", "vip%00admin".to_string()),
        ("only NUL", "%00".to_string()),
        ("an escape sequence", "vip%1B%5B31m".to_string()),
        ("a line break inside", "vip%0D%0Aadmin".to_string()),
        ("DEL", "vip%7Fx".to_string()),
        ("not UTF-8", "vip%FF%FE".to_string()),
        (
            "a quote and markup",
            "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string(),
        ),
        // As long as a URI may be here (the http crate's limit).
        ("60 KB", "a".repeat(60_000)),
    ]
}

async fn hostile_tags_in_the_inbox_filter_are_refused(h: &Harness) {
    let _alone = crate::hostile_mail::ALONE.lock().await;
    let ticket = h
        .ticket_with("Refund owed", ("normal", "api"), &["refund"])
        .await;
    let mut b = Browser::new(h);
    b.sign_in("lead@test.example").await;
    for (what, tag) in hostile_queries() {
        let page = b.get(&format!("/app?view=open&tag={tag}")).await;
        assert!(
            page.status.is_client_error(),
            "{what}: {} {}",
            page.status,
            page.body.chars().take(300).collect::<String>()
        );
        assert!(
            !page.body.contains("<script>alert(1)"),
            "{what}: the value is shown unescaped"
        );
        assert!(
            page.body.len() < 40_000,
            "{what}: the refusal echoes the value ({} bytes)",
            page.body.len()
        );
        still_prompt(h, ticket, what).await;
        // The same session still reads the inbox.
        let inbox = b.get("/app?view=open&tag=refund").await;
        assert_eq!(inbox.status, StatusCode::OK, "after {what}");
        assert!(inbox.body.contains("Refund owed"), "after {what}");
    }

    // A megabyte of `?tag=` through a real server: refused before any
    // handler, and the server serves the next request.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(rapport_web::serve(listener, h.app.clone(), async {
        let _ = stopped.await;
    }));
    let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let cookies = cookies.join("; ");
    let get = |path: String| {
        let cookies = cookies.clone();
        async move {
            let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let request = format!(
                "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookies}\r\nConnection: close\r\n\r\n"
            );
            // The server may answer and close before it has read it all.
            let _ = stream.write_all(request.as_bytes()).await;
            let mut answer = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
                .await
                .expect("an answer within 10 s");
            String::from_utf8_lossy(&answer).into_owned()
        }
    };
    let answer = get(format!("/app?view=open&tag={}", megabyte())).await;
    let status_line = answer.lines().next().unwrap_or_default().to_string();
    let code: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {status_line:?}"));
    assert!(
        (400..500).contains(&code),
        "a megabyte of ?tag=: {status_line}"
    );
    let started = Instant::now();
    let next = get("/app?view=open&tag=refund".to_string()).await;
    assert!(
        next.starts_with("HTTP/1.1 200"),
        "{}",
        &next[..next.len().min(300)]
    );
    assert!(next.contains("Refund owed"));
    assert!(started.elapsed() < Duration::from_secs(2));
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert_eq!(
        h.store
            .ticket(rapport_core::TicketId(ticket))
            .await
            .unwrap()
            .tags,
        vec!["refund".to_string()]
    );
}
