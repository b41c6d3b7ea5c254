//! Live updates: the open list's event stream announces changed tickets.

use crate::both_backends;
use crate::browser::{Browser, mail_in};
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use futures_util::StreamExt;
use std::time::Duration;
use tower::ServiceExt;

both_backends!(
    a_new_ticket_reaches_an_open_stream_within_a_second,
    a_change_through_one_server_reaches_a_stream_on_another,
);

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
