//! The reply coach through the API: the endpoint, and the gate on replies.

use crate::both_backends;
use crate::harness::Harness;
use serde_json::json;

async fn coach_endpoint_reviews_drafts(h: &Harness) {
    let id = h.ticket("Broken lamp", None).await;
    let draft =
        "Hi Anne,\nCalm down. You should have read the instructions. We'll ship a new lamp soon.";
    let r = review(h, draft, id).await;
    let checks: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    for expected in [
        "wrong_name",
        "rude",
        "blame",
        "missing_apology",
        "vague_promise",
    ] {
        assert!(
            checks.contains(&expected),
            "{expected} missing from {checks:?}"
        );
    }
    let rude = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "rude")
        .unwrap();
    let (start, end) = (
        rude["span"]["start"].as_u64().unwrap() as usize,
        rude["span"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&draft[start..end], "Calm down");
    assert!(r["politeness"].as_f64().unwrap() <= 1.0);
    // Without a ticket, given context only.
    let (s, r) = h.post("/api/v1/coach", &h.agent, json!({"draft": "Hi Ann, I'm sorry it broke; a new lamp will ship by Friday. Best, Sam", "customer_name": "Ann Lee", "customer_message": "My lamp broke."})).await;
    assert_eq!(s, 200);
    assert_eq!(r["findings"], json!([]), "{r}");
    assert_eq!(r["promises"][0]["vague"], false);
    assert!(r["promises"][0]["due"].is_string());
    assert_eq!(
        h.post(
            "/api/v1/coach",
            &h.agent,
            json!({"draft": "x", "ticket_id": 999_999})
        )
        .await
        .0,
        404
    );
}

async fn blocked_replies_need_an_override_reason(h: &Harness) {
    let id = h.ticket("Broken lamp", None).await;
    let url = format!("/api/v1/tickets/{id}/messages");
    let rude = "Hi Ann, calm down, that's our policy.";
    let (s, b) = h
        .post(&url, &h.agent, json!({"kind": "reply", "body": rude}))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (422, Some("coach_blocked")),
        "{b}"
    );
    let checks: Vec<&str> = b["error"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect();
    assert!(
        checks.contains(&"rude") && checks.contains(&"policy_wall"),
        "{checks:?}"
    );
    assert_eq!(
        h.store
            .messages(rapport_core::TicketId(id))
            .await
            .unwrap()
            .len(),
        1,
        "a blocked reply is not stored"
    );
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"kind": "reply", "body": rude, "override_reason": "  "}),
        )
        .await;
    assert_eq!(s, 422, "a blank reason is no reason: {b}");
    let (s, b) = h.post(&url, &h.agent, json!({"kind": "reply", "body": rude, "override_reason": "Customer asked for the policy wording verbatim"})).await;
    assert_eq!(s, 201, "{b}");
    let overridden = b["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "coach_overridden")
        .expect("override event");
    assert_eq!(
        overridden["data"]["reason"],
        "Customer asked for the policy wording verbatim"
    );
    assert_eq!(overridden["data"]["message_id"], b["message"]["id"]);
    // Notes are internal and never coached; good replies pass without a reason.
    assert_eq!(
        h.post(
            &url,
            &h.agent,
            json!({"kind": "note", "body": "calm down, rules are rules"})
        )
        .await
        .0,
        201
    );
    let (s, b) = h.post(&url, &h.agent, json!({"kind": "reply", "body": "Hi Ann, I'm sorry the lamp arrived broken. A new one ships today. Best, Sam"})).await;
    assert_eq!(s, 201, "{b}");
    assert!(
        b["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["type"] != "coach_overridden")
    );
    // The same reply again, unchanged, is a form letter.
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"kind": "customer", "body": "Thanks! Also, can I change the colour to green?"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = h.post(&url, &h.agent, json!({"kind": "reply", "body": "Hi Ann, I'm sorry the lamp arrived broken. A new one ships today. Best, Sam"})).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (422, Some("coach_blocked")),
        "{b}"
    );
    assert_eq!(b["error"]["findings"][0]["check"], "form_letter");
}

/// The coach's review of a draft on a ticket.
async fn review(h: &Harness, draft: &str, id: i64) -> serde_json::Value {
    let (s, r) = h
        .post(
            "/api/v1/coach",
            &h.agent,
            json!({"draft": draft, "ticket_id": id}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    r
}

/// Whether the coach, on the ticket, asks the draft for an apology.
async fn asks_for_apology(h: &Harness, id: i64, draft: &str) -> bool {
    review(h, draft, id).await["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["check"] == "missing_apology")
}

async fn an_apology_earlier_in_the_ticket_is_not_asked_for_again(h: &Harness) {
    let id = h.ticket("Broken order", None).await;
    let draft = "Hi Ann, the courier collects the old one on Monday. Best, Sam";
    assert!(asks_for_apology(h, id, draft).await);
    let url = format!("/api/v1/tickets/{id}/messages");
    // A reply that does not apologise leaves the apology owed.
    let (s, b) = h
        .post(
            &url,
            &h.agent,
            json!({"kind": "reply", "body": "Hi Ann, a new one ships today. Best, Sam"}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert!(asks_for_apology(h, id, draft).await);
    let (s, b) = h.post(&url, &h.agent, json!({"kind": "reply", "body": "Hi Ann, I'm sorry order 5521 arrived broken. Tracking follows by e-mail. Best, Sam"})).await;
    assert_eq!(s, 201, "{b}");
    assert!(!asks_for_apology(h, id, draft).await);
}

both_backends!(
    coach_endpoint_reviews_drafts,
    blocked_replies_need_an_override_reason,
    an_apology_earlier_in_the_ticket_is_not_asked_for_again
);
