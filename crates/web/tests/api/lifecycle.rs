//! A ticket's life through the API, and its event log.

use crate::both_backends;
use crate::harness::Harness;
use serde_json::json;

async fn replays(h: &Harness, id: i64) {
    let events = h
        .store
        .events(rapport_core::TicketId(id), None, 10_000)
        .await
        .unwrap();
    let ticket = h.store.ticket(rapport_core::TicketId(id)).await.unwrap();
    let replayed = rapport_core::replay(ticket.id, events.iter().map(|e| (e.at, &e.kind)));
    assert_eq!(
        replayed.as_ref(),
        Some(&ticket),
        "events do not replay to the stored ticket"
    );
    assert_eq!(ticket.version, events.len() as i64);
}

async fn full_lifecycle(h: &Harness) {
    let id = h.ticket("Broken lamp", Some(h.team)).await;
    let (_, body) = h.get(&format!("/api/v1/tickets/{id}"), &h.agent).await;
    assert_eq!(body["ticket"]["status"], "new");
    assert_eq!(body["ticket"]["owner_id"], serde_json::Value::Null);
    assert_eq!(body["ticket"]["number"], format!("#{id}"));
    assert_eq!(body["messages"][0]["author_kind"], "customer");

    // No inquiry is closed unanswered.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.lead,
            json!({"status": "pending"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("owner_required")),
        "{b}"
    );
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("unanswered_solve")),
        "{b}"
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "checking stock"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, 409, "an internal note is not an answer");

    let (reply, _) = h
        .reply_and_solve(id, "Hello Ann, a new lamp ships today.")
        .await;
    assert_eq!(reply["events"][0]["type"], "replied");
    assert_eq!(reply["message"]["kind"], "public");

    // The customer writes again: reopened.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "customer", "body": "It has not arrived."}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["ticket"]["status"].as_str()),
        (201, Some("open")),
        "{b}"
    );
    // Closing needs solved first.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("illegal_transition"))
    );
    h.post(
        &format!("/api/v1/tickets/{id}/status"),
        &h.agent,
        json!({"status": "solved"}),
    )
    .await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.agent,
            json!({"status": "closed"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["ticket"]["closure"]["kind"].as_str()),
        (200, Some("resolved")),
        "{b}"
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "reply", "body": "one more"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("ticket_closed"))
    );
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "for the record"}),
        )
        .await;
    assert_eq!(s, 201, "notes are still allowed on closed tickets");

    let (s, events) = h
        .get(&format!("/api/v1/tickets/{id}/events"), &h.agent)
        .await;
    assert_eq!(s, 200);
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"created"));
    assert!(
        kinds.contains(&"replied") && kinds.contains(&"noted") && kinds.contains(&"customer_wrote"),
        "{kinds:?}"
    );
    let (_, after) = h
        .get(
            &format!("/api/v1/tickets/{id}/events?after={}", events[2]["id"]),
            &h.agent,
        )
        .await;
    assert_eq!(after.as_array().unwrap().len(), kinds.len() - 3);
    replays(h, id).await;
}

async fn refused_changes_leave_no_trace(h: &Harness) {
    let id = h.ticket("Refund", None).await;
    let before = h
        .store
        .events(rapport_core::TicketId(id), None, 100)
        .await
        .unwrap()
        .len();
    let messages_before = h
        .store
        .messages(rapport_core::TicketId(id))
        .await
        .unwrap()
        .len();
    // Owned by the agent; the other agent may not reply: the message must not be stored.
    h.post(
        &format!("/api/v1/tickets/{id}/assign"),
        &h.agent,
        json!({"agent_id": h.agent_id.0}),
    )
    .await;
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.other_agent,
            json!({"kind": "reply", "body": "Hi!"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/status"),
            &h.other_agent,
            json!({"status": "pending"}),
        )
        .await;
    assert_eq!(s, 403);
    let events = h
        .store
        .events(rapport_core::TicketId(id), None, 100)
        .await
        .unwrap();
    assert_eq!(
        events.len(),
        before + 2,
        "only the assignment (and its status change) was recorded"
    );
    assert_eq!(
        h.store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len(),
        messages_before
    );
    replays(h, id).await;
}

async fn transfers_need_a_handoff_note(h: &Harness) {
    let id = h.ticket("Wrong size", Some(h.team)).await;
    h.post(
        &format!("/api/v1/tickets/{id}/messages"),
        &h.agent,
        json!({"kind": "reply", "body": "Hello Ann, looking now."}),
    )
    .await;
    let url = format!("/api/v1/tickets/{id}/transfer");
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"agent_id": h.other_agent_id.0, "note": "see ticket"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("handoff_note_required")),
        "{b}"
    );
    let note = "Ann ordered size M, got L; exchange label already e-mailed, waiting on stock.";
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"agent_id": h.other_agent_id.0, "note": note}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["ticket"]["owner_id"], h.other_agent_id.0);
    assert_eq!(b["ticket"]["transfer_count"], 1);
    assert_eq!(b["events"][0]["type"], "transferred");
    assert_eq!(b["events"][0]["data"]["note"], note);
    // The first agent no longer owns it.
    let (s, _) = h
        .post(&url, &h.agent, json!({"team_id": h.team2.0, "note": note}))
        .await;
    assert_eq!(s, 403);
    let (s, b) = h
        .post(
            &url,
            &h.other_agent,
            json!({"team_id": h.team2.0, "note": note}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (
            b["ticket"]["status"].as_str(),
            b["ticket"]["owner_id"].is_null()
        ),
        (Some("new"), true)
    );
    assert_eq!(b["ticket"]["team_id"], h.team2.0);
    assert_eq!(b["ticket"]["transfer_count"], 2);
    let (_, list) = h
        .get(
            &format!("/api/v1/tickets?team={}&owner=none", h.team2.0),
            &h.agent,
        )
        .await;
    assert_eq!(list["items"][0]["transfer_count"], 2);
    replays(h, id).await;
}

async fn spam_and_duplicates(h: &Harness) {
    let a = h.ticket("First", None).await;
    let b = h.ticket("Second", None).await;
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{b}/close-as-duplicate"),
            &h.agent,
            json!({"of": a, "reason": "same"}),
        )
        .await;
    assert_eq!(s, 403, "agents cannot close as duplicate");
    let (s, r) = h
        .post(
            &format!("/api/v1/tickets/{b}/close-as-duplicate"),
            &h.lead,
            json!({"of": 999_999, "reason": "same"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), r["error"]["field"].as_str()),
        (422, Some("of"))
    );
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{b}/close-as-duplicate"),
            &h.lead,
            json!({"of": b, "reason": "same"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, r) = h
        .post(
            &format!("/api/v1/tickets/{b}/close-as-duplicate"),
            &h.lead,
            json!({"of": a, "reason": "   "}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), r["error"]["code"].as_str()),
        (409, Some("reason_required"))
    );
    let (s, r) = h
        .post(
            &format!("/api/v1/tickets/{b}/close-as-duplicate"),
            &h.lead,
            json!({"of": a, "reason": "Same order, written twice"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        r["ticket"]["closure"],
        json!({"kind": "duplicate", "of": a, "reason": "Same order, written twice"})
    );
    let c = h.ticket("Third", None).await;
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{c}/close-as-duplicate"),
            &h.lead,
            json!({"of": b, "reason": "chain"}),
        )
        .await;
    assert_eq!(s, 422, "a duplicate of a duplicate is refused");
    let (s, r) = h
        .post(
            &format!("/api/v1/tickets/{c}/close-as-spam"),
            &h.lead,
            json!({"reason": "advertising"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), r["ticket"]["status"].as_str()),
        (200, Some("closed"))
    );
    assert_eq!(r["ticket"]["closure"]["kind"], "spam");
    replays(h, b).await;
}

async fn tags_and_priority(h: &Harness) {
    let id = h.ticket("Tags", None).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/tags"),
            &h.agent,
            json!({"add": ["VIP", "damage"]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["ticket"]["tags"].clone()),
        (200, json!(["damage", "vip"]))
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/tags"),
            &h.agent,
            json!({"add": ["not ok"]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (409, Some("bad_tag"))
    );
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{id}/priority"),
            &h.agent,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(s, 403, "only the owner or a lead changes priority");
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/priority"),
            &h.lead,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["ticket"]["priority"].as_str()),
        (200, Some("urgent"))
    );
}

async fn concurrent_changes_lose_nothing(h: &Harness) {
    let id = h.ticket("Busy ticket", None).await;
    h.post(
        &format!("/api/v1/tickets/{id}/assign"),
        &h.agent,
        json!({"agent_id": h.agent_id.0}),
    )
    .await;
    let mut tasks = Vec::new();
    for n in 0..24 {
        let router = h.router.clone();
        let token = if n % 2 == 0 {
            h.agent.clone()
        } else {
            h.lead.clone()
        };
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let request = axum::http::Request::post(format!("/api/v1/tickets/{id}/messages"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(json!({"kind": if n % 3 == 0 {"reply"} else {"note"}, "body": format!("update {n}")}).to_string()))
                .unwrap();
            router.oneshot(request).await.unwrap().status().as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let messages = h.store.messages(rapport_core::TicketId(id)).await.unwrap();
    assert_eq!(messages.len(), 25);
    replays(h, id).await;
}

both_backends!(
    full_lifecycle,
    refused_changes_leave_no_trace,
    transfers_need_a_handoff_note,
    spam_and_duplicates,
    tags_and_priority,
    concurrent_changes_lose_nothing
);

async fn group_commit_isolates_bad_tickets(h: &Harness) {
    use rapport_core::{Actor, Channel, CustomerId, EventKind, Opening, Priority, Timestamp};
    let good = h.store.customers(0, 1, None).await.unwrap();
    let customer = match good.first() {
        Some(c) => c.id,
        None => h.store.insert_customer("Bo", &[]).await.unwrap().id,
    };
    let mut tasks = Vec::new();
    for n in 0..40 {
        let store = h.store.clone();
        let customer_id = if n % 10 == 7 {
            CustomerId(9_999_999)
        } else {
            customer
        };
        tasks.push(tokio::spawn(async move {
            let created = EventKind::Created {
                subject: format!("burst {n}"),
                customer_id,
                channel: Channel::Api,
                priority: Priority::Normal,
                team_id: None,
                tags: vec![],
            };
            let opening = Opening::decide(created, None, Actor::System, Timestamp::now()).unwrap();
            store
                .create_ticket(opening, Actor::System, None)
                .await
                .map(|c| c.ticket.id)
        }));
    }
    let mut ids = Vec::new();
    let mut failed = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(id) => ids.push(id),
            Err(_) => failed += 1,
        }
    }
    assert_eq!(failed, 4, "exactly the tickets of an unknown customer fail");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 36);
    for id in ids {
        replays(h, id.0).await;
    }
}

both_backends!(group_commit_isolates_bad_tickets);
