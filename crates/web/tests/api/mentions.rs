//! An internal note's @mentions notify the agents named, once each, and
//! neither the author nor anyone unnamed; a public reply's `@` tells no one.

use crate::both_backends;
use crate::harness::Harness;
use serde_json::{Value, json};

async fn mentions_of(h: &Harness, token: &str) -> Vec<Value> {
    let (_, notes) = h.get("/api/v1/notifications", token).await;
    notes
        .as_array()
        .map(|n| {
            n.iter()
                .filter(|n| n["kind"] == "mention")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

async fn a_note_tells_the_agents_it_mentions(h: &Harness) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "@other, can you check stock? cc @agent @nobody @OTHER"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let told = mentions_of(h, &h.other_agent).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["ticket_id"].as_i64(), Some(id));
    assert_eq!(
        told[0]["text"],
        format!("agent@test.example mentioned you in a note on ticket #{id} \"Broken lamp\".")
    );
    assert!(mentions_of(h, &h.agent).await.is_empty(), "not the author");
    assert!(mentions_of(h, &h.lead).await.is_empty(), "not the unnamed");

    // By the whole address too; a reply's @ is not a mention.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.lead,
            json!({"kind": "note", "body": "Over to you, @agent@test.example."}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(mentions_of(h, &h.agent).await.len(), 1);
    h.reply_and_solve(
        id,
        "Hello Ann, a new lamp ships today. Write to @other if it does not.",
    )
    .await;
    assert_eq!(mentions_of(h, &h.other_agent).await.len(), 1);
}

async fn a_note_repeating_a_mention_tells_once(h: &Harness) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let body = format!("{}please look", "@other ".repeat(5_000));
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": body}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let told = mentions_of(h, &h.other_agent).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["ticket_id"].as_i64(), Some(id));
}

both_backends!(
    a_note_tells_the_agents_it_mentions,
    a_note_repeating_a_mention_tells_once
);
