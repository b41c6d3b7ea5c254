//! Collisions with undo send on: a colleague's reply held in its undo
//! window is not a message yet, but it stops a send based on a view that
//! did not show it, as a stored reply would, until the sender has seen it
//! (`seen_held_reply_id`) or its sender took it back. Every test runs on
//! SQLite and on PostgreSQL with a non-zero hold.

use crate::both_backends_with;
use crate::harness::Harness;
use crate::undo_send::{DELAY, held_config};
use serde_json::{Value, json};
use std::time::Duration;

both_backends_with!(super::held_config();
    a_held_reply_stops_a_colleague_until_seen_and_both_leave_only_when_seen,
    an_undone_reply_stops_nobody,
    two_senders_at_once_with_undo_send_only_one_reply_is_held,
);

const FIRST: &str = "Hi Ann, a new lamp leaves today.";
const SECOND: &str = "Hi Ann, sorry about the lamp; a replacement is on its way.";

async fn newest_message(h: &Harness, ticket: i64) -> i64 {
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.lead).await;
    t["messages"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn reply(h: &Harness, ticket: i64, token: &str, body: Value) -> (u16, Value) {
    let (s, b) = h
        .post(&format!("/api/v1/tickets/{ticket}/messages"), token, body)
        .await;
    (s.as_u16(), b)
}

async fn texts(h: &Harness, ticket: i64) -> Vec<String> {
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.lead).await;
    t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body_text"].as_str().unwrap().to_string())
        .collect()
}

async fn released_after_the_hold(h: &Harness) -> usize {
    tokio::time::sleep(DELAY + Duration::from_millis(300)).await;
    h.app.release_held_replies().await.unwrap()
}

async fn a_held_reply_stops_a_colleague_until_seen_and_both_leave_only_when_seen(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let seen = newest_message(h, ticket).await;
    let (s, held) = reply(
        h,
        ticket,
        &h.agent,
        json!({"kind": "reply", "body": FIRST, "based_on_message_id": seen}),
    )
    .await;
    assert_eq!(s, 202, "{held}");
    let first_id = held["id"].as_i64().unwrap();
    // The lead answers from a view opened before: stopped, shown the reply
    // that is about to leave.
    let (s, body) = reply(
        h,
        ticket,
        &h.lead,
        json!({"kind": "reply", "body": SECOND, "based_on_message_id": seen}),
    )
    .await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(body["error"]["code"], "ticket_changed");
    assert_eq!(body["error"]["newer_messages"], json!([]), "{body}");
    let pending = body["error"]["pending_replies"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{body}");
    assert_eq!(pending[0]["id"], first_id);
    assert_eq!(pending[0]["body_text"], FIRST);
    assert_eq!(pending[0]["agent_id"], h.agent_id.0);
    // Having seen it, the lead sends anyway: held as well.
    let (s, second) = reply(
        h,
        ticket,
        &h.lead,
        json!({"kind": "reply", "body": SECOND, "based_on_message_id": seen,
               "seen_held_reply_id": first_id}),
    )
    .await;
    assert_eq!(s, 202, "{second}");
    let second_id = second["id"].as_i64().unwrap();
    // A third colleague (the admin) who saw neither is stopped by both.
    let (s, body) = reply(
        h,
        ticket,
        &h.admin,
        json!({"kind": "reply", "body": "Hello Ann.", "based_on_message_id": seen}),
    )
    .await;
    assert_eq!(s, 409, "{body}");
    assert_eq!(
        body["error"]["pending_replies"].as_array().unwrap().len(),
        2
    );
    // Both leave (the lead chose to send anyway).
    assert_eq!(released_after_the_hold(h).await, 2);
    let after = texts(h, ticket).await;
    assert_eq!(&after[after.len() - 2..], [FIRST, SECOND]);
    // Released, they are messages: the admin's old view is still stale…
    let (s, body) = reply(
        h,
        ticket,
        &h.admin,
        json!({"kind": "reply", "body": "Hello Ann.", "based_on_message_id": seen}),
    )
    .await;
    assert_eq!(s, 409, "{body}");
    let newer: Vec<&str> = body["error"]["newer_messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body_text"].as_str().unwrap())
        .collect();
    assert_eq!(newer, [FIRST, SECOND]);
    assert_eq!(body["error"]["pending_replies"], json!([]));
    // …but a view that showed both while they were held has seen them.
    let (s, body) = reply(
        h,
        ticket,
        &h.admin,
        json!({"kind": "reply", "body": "Hello Ann.", "based_on_message_id": seen,
               "seen_held_reply_id": second_id}),
    )
    .await;
    assert_eq!(s, 202, "{body}");
}

async fn an_undone_reply_stops_nobody(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let seen = newest_message(h, ticket).await;
    let (s, held) = reply(h, ticket, &h.agent, json!({"kind": "reply", "body": FIRST})).await;
    assert_eq!(s, 202, "{held}");
    let url = format!("/api/v1/held-replies/{}/undo", held["id"]);
    let (s, body) = h.post(&url, &h.agent, json!({})).await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = reply(
        h,
        ticket,
        &h.lead,
        json!({"kind": "reply", "body": SECOND, "based_on_message_id": seen}),
    )
    .await;
    assert_eq!(s, 202, "a reply taken back is no news: {body}");
    assert_eq!(released_after_the_hold(h).await, 1);
    assert_eq!(
        texts(h, ticket).await.last().map(String::as_str),
        Some(SECOND)
    );
}

/// Two agents send from the same view at the same moment with undo send
/// on: exactly one reply is held; the other is stopped and shown it, so
/// exactly one leaves.
async fn two_senders_at_once_with_undo_send_only_one_reply_is_held(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let seen = newest_message(h, ticket).await;
    let before = texts(h, ticket).await.len();
    let (a, b) = tokio::join!(
        reply(
            h,
            ticket,
            &h.agent,
            json!({"kind": "reply", "body": FIRST, "based_on_message_id": seen})
        ),
        reply(
            h,
            ticket,
            &h.lead,
            json!({"kind": "reply", "body": SECOND, "based_on_message_id": seen})
        ),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [202, 409], "{} {}", a.1, b.1);
    let stopped = if a.0 == 409 { &a.1 } else { &b.1 };
    assert_eq!(
        stopped["error"]["pending_replies"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{stopped}"
    );
    assert_eq!(released_after_the_hold(h).await, 1);
    assert_eq!(texts(h, ticket).await.len(), before + 1);
}
