//! Bad input gets a clear error and changes nothing.

use crate::both_backends;
use crate::harness::Harness;
use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

async fn bad_requests_get_clear_errors(h: &Harness) {
    let post_raw = |body: &'static str, content_type: &'static str| {
        Request::post("/api/v1/tickets")
            .header("authorization", format!("Bearer {}", h.agent))
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let (s, b) = h.raw(post_raw("{\"subject\": ", "application/json")).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (400, Some("invalid_json")),
        "{b}"
    );
    let (s, b) = h
        .raw(post_raw(
            "{\"customer_email\": \"a@b.example\"}",
            "application/json",
        ))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("subject")),
        "{b}"
    );
    let (s, b) = h
        .raw(post_raw(
            "{\"subject\": \"x\", \"customer_email\": \"a@b.example\", \"colour\": 1}",
            "application/json",
        ))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("colour")),
        "{b}"
    );
    let (s, b) = h
        .raw(post_raw(
            "{\"subject\": \"x\", \"customer_email\": \"a@b.example\", \"priority\": \"huge\"}",
            "application/json",
        ))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("priority")),
        "{b}"
    );
    let (s, b) = h
        .raw(post_raw("subject=x", "application/x-www-form-urlencoded"))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let big = format!(
        "{{\"subject\": \"x\", \"customer_email\": \"a@b.example\", \"message\": \"{}\"}}",
        "a".repeat(1_100_000)
    );
    let request = Request::post("/api/v1/tickets")
        .header("authorization", format!("Bearer {}", h.agent))
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    let (s, b) = h.raw(request).await;
    assert_eq!(
        (s.as_u16(), b["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    // Field rules.
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "  ", "customer_email": "a@b.example"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("subject"))
    );
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "x", "customer_email": "not-an-address"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("customer_email"))
    );
    let (s, b) = h
        .post("/api/v1/tickets", &h.agent, json!({"subject": "x"}))
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("customer_id"))
    );
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "x", "customer_id": 424242}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("customer_id"))
    );
    let (s, b) = h
        .post(
            "/api/v1/tickets",
            &h.agent,
            json!({"subject": "x", "customer_email": "a@b.example", "team_id": 999}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("team_id"))
    );
    // Nothing above created a ticket.
    let (_, list) = h.get("/api/v1/tickets", &h.agent).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
    let id = h.ticket("ok", None).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "shout", "body": "x"}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("kind"))
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            &h.agent,
            json!({"kind": "note", "body": " "}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("body"))
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &h.lead,
            json!({"agent_id": 9999}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("agent_id"))
    );
}

async fn unknown_ids_are_404(h: &Harness) {
    for path in [
        "/api/v1/tickets/999999",
        "/api/v1/tickets/abc",
        "/api/v1/tickets/-1",
        "/api/v1/customers/424242",
        "/api/v1/agents/31337",
        "/api/v1/teams/777",
        "/api/v1/tickets/999999/events",
        "/api/v1/nowhere",
    ] {
        let (s, b) = h.get(path, &h.agent).await;
        assert_eq!(
            (s.as_u16(), b["error"]["code"].as_str()),
            (404, Some("not_found")),
            "{path}: {b}"
        );
    }
    let (s, _) = h
        .post(
            "/api/v1/tickets/999999/messages",
            &h.agent,
            json!({"kind": "note", "body": "x"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = h
        .post(
            "/api/v1/tickets/999999/status",
            &h.lead,
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = h
        .call(
            Method::DELETE,
            "/api/v1/customers/424242",
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(s, 404);
}

async fn bad_list_parameters(h: &Harness) {
    for (query, field) in [
        ("status=lost", "status"),
        ("sort=colour", "sort"),
        ("cursor=xyz", "cursor"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("owner=bob", "owner"),
        ("updated_since=yesterday", "updated_since"),
        ("team=abc", "team"),
        ("bogus=1", "bogus"),
    ] {
        let (s, b) = h.get(&format!("/api/v1/tickets?{query}"), &h.agent).await;
        assert_eq!(
            (s.as_u16(), b["error"]["field"].as_str()),
            (422, Some(field)),
            "{query}: {b}"
        );
    }
}

both_backends!(
    bad_requests_get_clear_errors,
    unknown_ids_are_404,
    bad_list_parameters
);
