//! Undo send: a reply waits `mail.undo_send` before it is stored and
//! mailed; its sender may take it back until then (the text returns to the
//! draft, the ticket never sees it), and after it the release stores it
//! exactly once. Every test runs on SQLite and on PostgreSQL.

use crate::both_backends_with;
use crate::harness::Harness;
use rapport_app::{AppConfig, MailConfig};
use rapport_core::TicketId;
use rapport_store::OutboxKind;
use serde_json::{Value, json};
use std::time::Duration;

pub(crate) const DELAY: Duration = Duration::from_secs(2);
const TEXT: &str = "Hello Ann, a new lamp ships to you today.";

pub(crate) fn held_config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            address: "support@shop.test".into(),
            business_name: "Lamp Shop".into(),
            outbound: true,
            undo_send: DELAY,
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

async fn send(h: &Harness, ticket: i64) -> Value {
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": TEXT}),
        )
        .await;
    assert_eq!(status, 202, "a reply is held first: {body}");
    assert_eq!(body["status"], "held");
    assert!(body["seconds_left"].as_i64().unwrap() >= 1, "{body}");
    body
}

/// What the ticket shows: its messages' bodies and its event types.
async fn ticket_state(h: &Harness, ticket: i64) -> (Vec<String>, Vec<String>) {
    let (_, messages) = h
        .get(&format!("/api/v1/tickets/{ticket}/messages"), &h.agent)
        .await;
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{ticket}/events"), &h.agent)
        .await;
    let texts = messages["items"]
        .as_array()
        .unwrap_or_else(|| panic!("messages: {messages}"))
        .iter()
        .map(|m| m["body_text"].as_str().unwrap_or_default().to_string())
        .collect();
    let kinds = events
        .as_array()
        .unwrap_or_else(|| panic!("events: {events}"))
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_string())
        .collect();
    (texts, kinds)
}

async fn replies_queued(h: &Harness, ticket: i64) -> usize {
    h.store
        .outbox_for_ticket(TicketId(ticket))
        .await
        .unwrap()
        .iter()
        .filter(|m| m.kind == OutboxKind::Reply)
        .count()
}

async fn undone_reply_leaves_nothing_but_the_draft(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let before = ticket_state(h, ticket).await;
    let held = send(h, ticket).await;
    let id = held["id"].as_i64().unwrap();
    // Waiting: listed for its sender, not on the ticket, not in the outbox.
    let (_, list) = h
        .get(&format!("/api/v1/tickets/{ticket}/held-replies"), &h.agent)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let (_, others) = h
        .get(
            &format!("/api/v1/tickets/{ticket}/held-replies"),
            &h.other_agent,
        )
        .await;
    assert_eq!(others.as_array().unwrap().len(), 0, "only the sender's");
    assert_eq!(ticket_state(h, ticket).await, before);
    assert_eq!(replies_queued(h, ticket).await, 0);
    // Only its sender may take it back.
    let url = format!("/api/v1/held-replies/{id}/undo");
    let (status, body) = h.post(&url, &h.other_agent, json!({})).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = h.post(&url, &h.agent, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "undone");
    let draft = h
        .store
        .draft(TicketId(ticket), h.agent_id)
        .await
        .unwrap()
        .map(|(text, _)| text);
    assert_eq!(draft.as_deref(), Some(TEXT), "the text is the draft again");
    // Past its release time nothing leaves, and a second undo is refused.
    tokio::time::sleep(DELAY + Duration::from_millis(300)).await;
    assert_eq!(h.app.release_held_replies().await.unwrap(), 0);
    assert_eq!(ticket_state(h, ticket).await, before);
    assert_eq!(replies_queued(h, ticket).await, 0);
    let (status, body) = h.post(&url, &h.agent, json!({})).await;
    assert_eq!(status, 409, "{body}");
    let (_, list) = h
        .get(&format!("/api/v1/tickets/{ticket}/held-replies"), &h.agent)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");
}

async fn held_reply_leaves_once_after_the_delay(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let (texts, _) = ticket_state(h, ticket).await;
    let held = send(h, ticket).await;
    let id = held["id"].as_i64().unwrap();
    // Not yet due: the release leaves it alone.
    assert_eq!(h.app.release_held_replies().await.unwrap(), 0);
    // A draft started meanwhile survives the release.
    h.store
        .save_draft(
            TicketId(ticket),
            h.agent_id,
            "P.S.",
            rapport_core::Timestamp::now(),
        )
        .await
        .unwrap();
    tokio::time::sleep(DELAY + Duration::from_millis(300)).await;
    // Past its release time it can no longer be undone, released or not.
    let url = format!("/api/v1/held-replies/{id}/undo");
    let (status, body) = h.post(&url, &h.agent, json!({})).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(h.app.release_held_replies().await.unwrap(), 1);
    assert_eq!(h.app.release_held_replies().await.unwrap(), 0, "once");
    let (after, kinds) = ticket_state(h, ticket).await;
    assert_eq!(after.len(), texts.len() + 1);
    assert_eq!(after.last().map(String::as_str), Some(TEXT));
    assert_eq!(kinds.iter().filter(|k| *k == "replied").count(), 1);
    assert_eq!(replies_queued(h, ticket).await, 1);
    let draft = h.store.draft(TicketId(ticket), h.agent_id).await.unwrap();
    assert_eq!(draft.map(|(t, _)| t).as_deref(), Some("P.S."));
    let (_, ticket_body) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    assert_eq!(
        ticket_body["ticket"]["owner_id"].as_i64(),
        Some(h.agent_id.0),
        "the reply took the unowned ticket, as a direct one does"
    );
}

async fn refused_release_returns_the_draft(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let before = ticket_state(h, ticket).await;
    send(h, ticket).await;
    // The ticket is closed while the reply waits.
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/close-as-spam"),
            &h.lead,
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    tokio::time::sleep(DELAY + Duration::from_millis(300)).await;
    assert_eq!(h.app.release_held_replies().await.unwrap(), 0);
    let (texts, kinds) = ticket_state(h, ticket).await;
    assert_eq!(texts, before.0, "nothing was stored");
    assert!(!kinds.iter().any(|k| k == "replied"), "{kinds:?}");
    assert_eq!(replies_queued(h, ticket).await, 0);
    let draft = h.store.draft(TicketId(ticket), h.agent_id).await.unwrap();
    assert_eq!(draft.map(|(t, _)| t).as_deref(), Some(TEXT));
    // And a closed ticket refuses the next reply at once, not after the delay.
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": TEXT}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
}

async fn notes_are_not_held(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let (status, body) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "Checked the warehouse."}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

both_backends_with!(super::held_config();
    undone_reply_leaves_nothing_but_the_draft,
    held_reply_leaves_once_after_the_delay,
    refused_release_returns_the_draft,
    notes_are_not_held,
);
