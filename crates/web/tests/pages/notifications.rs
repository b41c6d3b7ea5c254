//! The notifications page: an agent's own notifications, newest first,
//! text shown as text, marked read by a button; another's is not found.

use crate::both_backends;
use crate::browser::Browser;
use crate::harness::Harness;
use axum::http::StatusCode;
use rapport_core::{AgentId, TicketId};
use rapport_store::{NewNotification, NotificationKind};

both_backends!(an_agent_reads_and_clears_their_notifications);

async fn notify(h: &Harness, agent: AgentId, ticket: i64, text: &str) {
    let mut tx = h.store.begin_write().await.unwrap();
    tx.notify(&[NewNotification {
        agent_id: agent,
        ticket_id: Some(TicketId(ticket)),
        kind: NotificationKind::Mention,
        text: text.into(),
        words: None,
    }])
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn an_agent_reads_and_clears_their_notifications(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    notify(
        h,
        h.agent_id,
        ticket,
        "Lee mentioned you: <script>alert(1)</script> look",
    )
    .await;
    notify(h, h.other_agent_id, ticket, "For someone else").await;
    let mut a = Browser::new(h);
    a.sign_in("agent@test.example").await;
    let page = a.get("/app/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("1 unread."), "{}", page.body);
    assert!(page.body.contains("alert(1)"), "the text is shown");
    assert!(!page.body.contains("<script>alert(1)"), "as text");
    assert!(
        page.body
            .contains(&format!("href=\"/app/tickets/{ticket}\""))
    );
    assert!(!page.body.contains("For someone else"), "only one's own");
    let (_, mine) = h.get("/api/v1/notifications", &h.agent).await;
    let id = mine[0]["id"].as_i64().unwrap();
    let (_, theirs) = h.get("/api/v1/notifications", &h.other_agent).await;
    let other_id = theirs[0]["id"].as_i64().unwrap();
    let refused = a
        .submit(
            "/app/notifications",
            &format!("/app/notifications/{other_id}/read"),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let read = a
        .submit(
            "/app/notifications",
            &format!("/app/notifications/{id}/read"),
            &[],
        )
        .await;
    assert_eq!(read.status, StatusCode::SEE_OTHER, "{}", read.body);
    let page = a.get("/app/notifications").await;
    assert!(page.body.contains("0 unread."), "{}", page.body);
    let (_, unread) = h.get("/api/v1/notifications?unread=true", &h.agent).await;
    assert_eq!(unread.as_array().map(Vec::len), Some(0));
    let (_, theirs) = h
        .get("/api/v1/notifications?unread=true", &h.other_agent)
        .await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(1), "untouched");
}
