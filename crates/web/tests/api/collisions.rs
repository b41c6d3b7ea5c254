//! Collisions in the API: a reply that names the newest message its sender
//! had seen (`based_on_message_id`) is stopped with a 409 when someone else
//! wrote after it, and goes through once based on the newest. Every test
//! runs on SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use serde_json::json;

both_backends!(
    a_reply_based_on_an_old_view_is_stopped_with_what_changed,
    own_messages_and_no_basis_never_stop_a_send,
    two_stale_senders_at_once_only_one_passes,
);

async fn first_message(h: &Harness, ticket: i64) -> i64 {
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.lead).await;
    let messages = t["messages"].as_array().unwrap();
    messages.last().unwrap()["id"].as_i64().unwrap()
}

async fn a_reply_based_on_an_old_view_is_stopped_with_what_changed(h: &Harness) {
    let ticket = h.ticket("Broken order", None).await;
    let seen = first_message(h, ticket).await;
    let path = format!("/api/v1/tickets/{ticket}/messages");
    // A colleague adds a note after the lead opened the ticket.
    let (s, _) = h
        .post(
            &path,
            &h.other_agent,
            json!({"kind": "note", "body": "Courier confirmed the parcel was crushed."}),
        )
        .await;
    assert_eq!(s.as_u16(), 201);
    let reply = "Hi Ann, I am sorry the parcel arrived crushed. A new one leaves today.";
    let (s, body) = h
        .post(
            &path,
            &h.lead,
            json!({"kind": "reply", "body": reply, "based_on_message_id": seen}),
        )
        .await;
    assert_eq!(s.as_u16(), 409, "{body}");
    assert_eq!(body["error"]["code"], "ticket_changed");
    let newer = body["error"]["newer_messages"].as_array().unwrap();
    assert_eq!(newer.len(), 1, "{body}");
    assert_eq!(
        newer[0]["body_text"],
        "Courier confirmed the parcel was crushed."
    );
    assert_eq!(newer[0]["kind"], "internal");
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.lead).await;
    assert_eq!(
        t["messages"].as_array().unwrap().len(),
        2,
        "nothing was sent"
    );
    assert!(
        h.store
            .draft(rapport_core::TicketId(ticket), h.lead_id)
            .await
            .unwrap()
            .is_none()
    );
    // Based on the newest message, the same reply goes out.
    let newest = newer[0]["id"].as_i64().unwrap();
    let (s, body) = h
        .post(
            &path,
            &h.lead,
            json!({"kind": "reply", "body": reply, "based_on_message_id": newest}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{body}");
    // The customer's words (logged by a colleague) after the view stop a send too.
    let (s, body) = h
        .post(
            &path,
            &h.admin,
            json!({"kind": "customer", "body": "Thanks, but I need it by Friday."}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{body}");
    let (s, body) = h
        .post(
            &path,
            &h.lead,
            json!({"kind": "reply", "body": "Noted, Ann.", "based_on_message_id": newest}),
        )
        .await;
    assert_eq!(s.as_u16(), 409, "{body}");
    assert_eq!(
        body["error"]["newer_messages"][0]["author_kind"],
        "customer"
    );
}

async fn own_messages_and_no_basis_never_stop_a_send(h: &Harness) {
    let ticket = h.ticket("Broken order", None).await;
    let seen = first_message(h, ticket).await;
    let path = format!("/api/v1/tickets/{ticket}/messages");
    let (s, _) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "note", "body": "Checking stock."}),
        )
        .await;
    assert_eq!(s.as_u16(), 201);
    let (s, body) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "reply", "body": "Hi Ann, a new one leaves today.", "based_on_message_id": seen}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "one's own note is no news: {body}");
    let (s, _) = h
        .post(&path, &h.lead, json!({"kind": "note", "body": "Good."}))
        .await;
    assert_eq!(s.as_u16(), 201);
    let (s, body) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "reply", "body": "It is on its way, Ann."}),
        )
        .await;
    assert_eq!(
        s.as_u16(),
        201,
        "without a basis nothing is checked: {body}"
    );
    let (s, body) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "reply", "body": "Tracking follows, Ann.", "based_on_message_id": "x"}),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "{body}");
}

/// Two senders based on the same view, at the same moment: exactly one
/// reply is stored; the other is stopped and shown it.
async fn two_stale_senders_at_once_only_one_passes(h: &Harness) {
    let ticket = h.ticket("Broken order", None).await;
    let seen = first_message(h, ticket).await;
    let path = format!("/api/v1/tickets/{ticket}/messages");
    let body_a =
        json!({"kind": "note", "body": "I will call the courier.", "based_on_message_id": seen});
    let body_b = json!({"kind": "note", "body": "I am calling the courier now.", "based_on_message_id": seen});
    let (a, b) = tokio::join!(
        h.post(&path, &h.agent, body_a),
        h.post(&path, &h.other_agent, body_b),
    );
    let mut statuses = [a.0.as_u16(), b.0.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} {}", a.1, b.1);
    let (_, t) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.lead).await;
    assert_eq!(t["messages"].as_array().unwrap().len(), 2);
}
