//! Issue 8, item 4: authorization gaps. Each test is named after what it guards.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::{Value, json};

async fn post_mime(h: &Harness, token: &str, raw: &str) -> (u16, Value) {
    let request = Request::post("/api/v1/inbound/mime")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "message/rfc822")
        .body(Body::from(raw.to_string()))
        .unwrap();
    let (s, b) = h.raw(request).await;
    (s.as_u16(), b)
}

async fn messages(h: &Harness, ticket: i64) -> Vec<Value> {
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.admin).await;
    detail["messages"].as_array().unwrap().clone()
}

/// A ticket owned by the other agent, answered and solved.
async fn solved_by_other(h: &Harness) -> i64 {
    let id = h.ticket("Broken lamp", None).await;
    let url = format!("/api/v1/tickets/{id}/messages");
    let reply = json!({"kind": "reply", "body": "Hello Ann, a new lamp ships today."});
    assert_eq!(h.post(&url, &h.other_agent, reply).await.0, 201);
    let status = format!("/api/v1/tickets/{id}/status");
    let (s, b) = h
        .post(&status, &h.other_agent, json!({"status": "solved"}))
        .await;
    assert_eq!(s, 200, "{b}");
    id
}

async fn agents_cannot_forge_customer_mail_or_bounces(h: &Harness) {
    let id = solved_by_other(h).await;
    let forged = format!(
        "Message-ID: <forged@attacker.example>\r\nFrom: Ann Lee <ann.lee@example.com>\r\nTo: support@shop.example\r\nSubject: Re: [#{id}] Broken lamp\r\n\r\nPlease refund to account 666.\r\n"
    );
    let before = messages(h, id).await.len();
    for token in [&h.agent, &h.lead] {
        let (s, b) = post_mime(h, token, &forged).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{b}"
        );
    }
    let bounce = "Message-ID: <bounce@mx.example>\r\nFrom: MAILER-DAEMON@mx.example\r\nTo: support@shop.example\r\nSubject: Undelivered Mail\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; ann.lee@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n";
    assert_eq!(post_mime(h, &h.agent, bounce).await.0, 403);
    let (_, ticket) = h.get(&format!("/api/v1/tickets/{id}"), &h.admin).await;
    assert_eq!(ticket["ticket"]["status"], "solved", "nothing reopened it");
    assert_eq!(messages(h, id).await.len(), before);
    let (_, customer) = h
        .get(
            &format!("/api/v1/customers/{}", ticket["ticket"]["customer_id"]),
            &h.admin,
        )
        .await;
    assert!(
        customer["bouncing"].as_array().is_none_or(Vec::is_empty),
        "no forged bounce: {customer}"
    );
    // The MTA pipe's token takes mail in; it can do nothing else.
    let (s, b) = post_mime(h, &h.mail_pipe, &forged).await;
    assert_eq!(s, 202, "{b}");
    assert_eq!(h.get("/api/v1/tickets", &h.mail_pipe).await.0, 403);
}

async fn only_the_owner_or_a_lead_logs_a_customers_words(h: &Harness) {
    let id = solved_by_other(h).await;
    let url = format!("/api/v1/tickets/{id}/messages");
    let words = json!({"kind": "customer", "body": "It broke again."});
    let (s, b) = h.post(&url, &h.agent, words.clone()).await;
    assert_eq!(s, 403, "{b}");
    let (_, ticket) = h.get(&format!("/api/v1/tickets/{id}"), &h.admin).await;
    assert_eq!(ticket["ticket"]["status"], "solved");
    // The owner logs the call: the ticket reopens, and the record says who typed it.
    let (s, b) = h.post(&url, &h.other_agent, words.clone()).await;
    assert_eq!(
        (s.as_u16(), b["ticket"]["status"].as_str()),
        (201, Some("open")),
        "{b}"
    );
    assert_eq!(b["message"]["author_kind"], "customer");
    assert_eq!(b["message"]["entered_by"], h.other_agent_id.0);
    assert!(
        b["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_kind"] == "agent" && e["actor_id"] == h.other_agent_id.0),
        "{b}"
    );
    let (s, b) = h.post(&url, &h.lead, words).await;
    assert_eq!(s, 201, "a lead may too");
    assert_eq!(b["message"]["entered_by"], h.lead_id.0);
    let listed = messages(h, id).await;
    assert_eq!(listed.last().unwrap()["entered_by"], h.lead_id.0);
    assert_eq!(listed[0]["entered_by"], h.agent_id.0, "the first words too");
}

async fn customer_addresses_need_a_lead_and_leave_a_trace(h: &Harness) {
    let (_, c) = h
        .post(
            "/api/v1/customers",
            &h.agent,
            json!({"name": "Grace", "identities": [{"kind": "email", "value": "grace@example.com"}]}),
        )
        .await;
    let path = format!("/api/v1/customers/{}", c["id"]);
    let hijack = json!({"identities": [{"kind": "email", "value": "attacker@evil.example"}]});
    let (s, b) = h
        .call(Method::PATCH, &path, Some(&h.agent), Some(hijack.clone()))
        .await;
    assert_eq!(s, 403, "{b}");
    let (s, _) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.agent),
            Some(json!({"name": "Grace J."})),
        )
        .await;
    assert_eq!(s, 200, "agents still fix names");
    let (_, events) = h.get(&format!("{path}/events"), &h.agent).await;
    assert_eq!(events, json!([]));
    let change = json!({"identities": [
        {"kind": "email", "value": "grace@example.org"},
        {"kind": "phone", "value": "+1 555 010 2000"}]});
    let (s, b) = h
        .call(Method::PATCH, &path, Some(&h.lead), Some(change))
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, events) = h.get(&format!("{path}/events"), &h.agent).await;
    assert_eq!(s, 200);
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["agent_id"], h.lead_id.0);
    assert_eq!(events[0]["change"]["type"], "identities_changed");
    assert_eq!(
        events[0]["change"]["removed"],
        json!([{"kind": "email", "value": "grace@example.com"}])
    );
    assert_eq!(events[0]["change"]["added"].as_array().unwrap().len(), 2);
    assert_eq!(
        h.get("/api/v1/customers/999999/events", &h.agent).await.0,
        404
    );
}

async fn uploads_stay_private_until_attached(h: &Harness) {
    let upload = Request::post("/api/v1/attachments?name=invoice.pdf")
        .header("authorization", format!("Bearer {}", h.agent))
        .header("content-type", "application/pdf")
        .body(Body::from("%PDF-1.4 draft"))
        .unwrap();
    let (s, b) = h.raw(upload).await;
    assert_eq!(s, 201, "{b}");
    let file = b["id"].as_i64().unwrap();
    let url = format!("/api/v1/attachments/{file}");
    assert_eq!(h.get(&url, &h.other_agent).await.0, 404);
    assert_eq!(h.get(&url, &h.admin).await.0, 404, "not even an admin");
    assert_eq!(h.get(&url, &h.agent).await.0, 200, "the uploader may");
    let id = h.ticket("Invoice", None).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": "The invoice.", "attachment_ids": [file]}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(
        h.get(&url, &h.other_agent).await.0,
        200,
        "attached: whoever reads the ticket"
    );
}

async fn token_scopes_narrow_and_never_widen(h: &Harness) {
    let mk = |token: &str, scope: &str| {
        let token = token.to_string();
        let body = json!({"name": format!("{scope} token"), "scope": scope});
        async move { h.post("/api/v1/auth/tokens", &token, body).await }
    };
    let (s, b) = mk(&h.agent, "read_only").await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["record"]["scope"], "read_only");
    let reader = b["token"].as_str().unwrap().to_string();
    assert_eq!(h.get("/api/v1/tickets", &reader).await.0, 200);
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &reader,
            json!({"subject": "No", "customer_email": "x@example.com"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    // No token is wider than its maker's role or its maker's own token.
    assert_eq!(mk(&h.agent, "admin").await.0, 403);
    assert_eq!(
        mk(&h.agent, "inbound_mail").await.0,
        403,
        "agents cannot mint mail tokens"
    );
    assert_eq!(mk(&h.lead, "metrics").await.0, 403);
    assert_eq!(mk(&reader, "read_only").await.0, 403);
    let (_, b) = mk(&h.admin, "agent").await;
    let narrowed = b["token"].as_str().unwrap().to_string();
    assert_eq!(
        mk(&narrowed, "admin").await.0,
        403,
        "a narrowed admin token cannot widen"
    );
    let agent_in = json!({"email": "new@test.example", "name": "New", "role": "agent"});
    assert_eq!(
        h.post("/api/v1/agents", &narrowed, agent_in.clone())
            .await
            .0,
        403
    );
    assert_eq!(h.post("/api/v1/agents", &h.admin, agent_in).await.0, 201);
    let (s, b) = mk(&h.admin, "inbound_mail").await;
    assert_eq!(
        (s.as_u16(), b["record"]["scope"].as_str()),
        (201, Some("inbound_mail"))
    );
    assert_eq!(mk(&h.agent, "bogus").await.0, 422);
    // Sessions carry the full scope of the role.
    let (_, session) = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "admin@test.example", "password": "correct horse battery"})),
        )
        .await;
    let session = session["token"].as_str().unwrap();
    let (_, list) = h.get("/api/v1/auth/tokens", session).await;
    let listed = list.as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|t| t["kind"] == "session" && t["scope"] == "admin")
    );
    assert!(listed.iter().any(|t| t["scope"] == "inbound_mail"));
}

both_backends!(
    agents_cannot_forge_customer_mail_or_bounces,
    only_the_owner_or_a_lead_logs_a_customers_words,
    customer_addresses_need_a_lead_and_leave_a_trace,
    uploads_stay_private_until_attached,
    token_scopes_narrow_and_never_widen,
);
