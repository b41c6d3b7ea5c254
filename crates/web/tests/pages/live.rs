//! Live updates: the open list's event stream announces changed tickets.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt;
use rapport_core::{Actor, EventKind, TicketId};
use std::time::Duration;
use tower::ServiceExt;

both_backends!(
    a_new_ticket_reaches_an_open_stream_within_a_second,
    a_change_through_one_server_reaches_a_stream_on_another,
    an_event_that_commits_after_a_newer_one_still_reaches_the_stream,
);

/// Reads the stream until it announces `ticket` (within `within`).
async fn until_announced<S, E>(body: &mut S, seen: &mut String, ticket: i64, within: Duration)
where
    S: futures_util::Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    E: std::fmt::Debug,
{
    while !seen.contains(&format!("data: {ticket}\n")) {
        let chunk = tokio::time::timeout(within, body.next())
            .await
            .unwrap_or_else(|_| panic!("ticket {ticket} announced in time; got {seen}"))
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// Adds a tag to a ticket in a transaction of its own, left open.
async fn tag_in_open_tx(h: &Harness, ticket: i64, tag: &str) -> rapport_store::WriteTx {
    let mut tx = h.store.begin_write().await.unwrap();
    tx.change_ticket::<rapport_store::StoreError, _>(
        TicketId(ticket),
        Actor::System,
        None,
        |_, _| {
            Ok(vec![EventKind::Tagged {
                added: vec![tag.into()],
                removed: Vec::new(),
            }])
        },
    )
    .await
    .unwrap();
    tx
}

/// On PostgreSQL event ids are not commit-ordered: a transaction that took
/// a lower id and commits after a higher one was announced must still be
/// announced. (SQLite has one writer at a time, so its ids are; there the
/// test only checks the plain order.)
async fn an_event_that_commits_after_a_newer_one_still_reaches_the_stream(h: &Harness) {
    let postgres = h.database_url.starts_with("postgres");
    let early = mail_in(h, "Ann Lee", "ann@example.com", "Slow writer", "Hi").await;
    let late = mail_in(h, "Bo Berg", "bo@example.com", "Fast writer", "Hi").await;
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let mut body = crate::browser::live_stream(h, &b).await;
    let mut seen = String::new();
    // The slow writer takes the lower event id and stays open while the
    // fast one commits a higher id, which the stream announces.
    let slow = if postgres {
        Some(tag_in_open_tx(h, early, "slow").await)
    } else {
        None
    };
    tag_in_open_tx(h, late, "fast")
        .await
        .commit()
        .await
        .unwrap();
    until_announced(&mut body, &mut seen, late, Duration::from_secs(3)).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(!seen.contains(&format!("data: {early}\n")), "{seen}");
    match slow {
        Some(tx) => tx.commit().await.unwrap(),
        None => tag_in_open_tx(h, early, "slow")
            .await
            .commit()
            .await
            .unwrap(),
    }
    until_announced(&mut body, &mut seen, early, Duration::from_secs(3)).await;
}

async fn a_new_ticket_reaches_an_open_stream_within_a_second(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = Request::get("/app/live")
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .unwrap();
    let response = h.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body().into_data_stream();
    // Let the poller read where the log ends before the change.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let started = std::time::Instant::now();
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Live one", "Hi").await;
    let mut seen = String::new();
    while !seen.contains(&format!("data: {id}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next())
            .await
            .expect("an event within the time")
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(seen.contains("event: ticket"), "{seen}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let anonymous = Browser::new(h).get("/app/live").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "agents only");
}

/// Two servers on one database: the session made on the first works on the
/// second, and a ticket opened through the first reaches the second's stream.
async fn a_change_through_one_server_reaches_a_stream_on_another(h: &Harness) {
    let mut b = Browser::new(h);
    b.sign_in("agent@test.example").await;
    let store = rapport_store::Store::open(&h.database_url).await.unwrap();
    let blobs = rapport_store::Blobs::filesystem(&h.blob_dir).unwrap();
    let second = rapport_app::App::new(store, blobs, rapport_app::AppConfig::default());
    let router = rapport_web::router(second.clone());
    let jar: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let request = Request::get("/app/live")
        .header(header::COOKIE, jar.join("; "))
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "the session is shared");
    let mut body = response.into_body().into_data_stream();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let id = mail_in(h, "Ann Lee", "ann@example.com", "Through the first", "Hi").await;
    let mut seen = String::new();
    while !seen.contains(&format!("data: {id}\n")) {
        let chunk = tokio::time::timeout(Duration::from_secs(3), body.next())
            .await
            .expect("an event within the time")
            .expect("the stream stays open")
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    drop(body);
    second.close().await;
}
