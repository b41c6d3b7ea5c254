//! Issue 10, the admin pages' remaining gaps, through the JSON API: every
//! configured mailbox in the mail status (one never polled too), deleting a
//! team (refused with what blocks it, archived when closed tickets name
//! it), an admin setting another agent's password (sessions, tokens and the
//! login throttle cleared, recorded), and retrying failed sends (the
//! outbox's state; the real SMTP round trip is in `outbox.rs`). Every test
//! runs on SQLite and on PostgreSQL.

use crate::harness::Harness;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use rapport_app::{AppConfig, MailConfig};
use rapport_core::Timestamp;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt;

fn config() -> AppConfig {
    AppConfig {
        mail: MailConfig {
            outbound: true,
            mailboxes: vec!["support".into(), "sales".into()],
            ..MailConfig::default()
        },
        ..AppConfig::default()
    }
}

crate::both_backends_with!(super::config();
    every_configured_mailbox_is_listed_also_one_never_polled,
    failed_sends_go_back_to_the_queue_and_others_are_refused,
);

crate::both_backends!(
    a_team_with_open_work_is_not_deleted_and_closed_tickets_keep_its_name,
    an_admin_sets_a_password_ending_sessions_and_the_throttle,
);

fn mailbox<'a>(status: &'a Value, name: &str) -> &'a Value {
    status["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mailbox"] == name)
        .unwrap_or_else(|| panic!("{name} not in {status}"))
}

async fn every_configured_mailbox_is_listed_also_one_never_polled(h: &Harness) {
    let (s, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(s, 200, "{b}");
    let names: Vec<&str> = b["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mailbox"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sales", "support"], "by name, none polled yet");
    for name in ["sales", "support"] {
        let m = mailbox(&b, name);
        assert_eq!(m["state"], "never_polled", "{m}");
        assert_eq!(m["failing"], false, "never polled is no error: {m}");
        assert_eq!(m["configured"], true);
        assert!(m["last_poll_at"].is_null() && m["last_error"].is_null());
    }
    // One is read; another server recorded a mailbox this one does not have.
    h.store.record_mailbox_poll("support", 2).await.unwrap();
    h.store
        .record_mailbox_error("old-archive", "login failed")
        .await
        .unwrap();
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(b["mailboxes"].as_array().unwrap().len(), 3, "{b}");
    assert_eq!(mailbox(&b, "support")["state"], "ok");
    assert_eq!(mailbox(&b, "support")["last_fetched"], 2);
    assert_eq!(mailbox(&b, "sales")["state"], "never_polled");
    let old = mailbox(&b, "old-archive");
    assert_eq!(
        (old["state"].as_str(), old["configured"].as_bool()),
        (Some("failing"), Some(false))
    );
    // A failure on a configured mailbox that was never read is failing, not "never polled".
    h.store
        .record_mailbox_error("sales", "cannot reach the mailbox")
        .await
        .unwrap();
    let (_, b) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(mailbox(&b, "sales")["state"], "failing");
    for token in [&h.lead, &h.agent] {
        assert_eq!(h.get("/api/v1/mailboxes/status", token).await.0, 403);
    }
}

async fn failed_sends_go_back_to_the_queue_and_others_are_refused(h: &Harness) {
    let (_, first) = h.failed_send("ann").await;
    let path = format!("/api/v1/outbox/{first}/retry");
    // Only admins.
    for token in [&h.lead, &h.agent] {
        let (s, b) = h.post(&path, token, Value::Null).await;
        assert_eq!(s, 403, "{b}");
        assert_eq!(
            h.post("/api/v1/outbox/retry", token, Value::Null).await.0,
            403
        );
    }
    assert_eq!(
        h.store.outbox_record(first).await.unwrap().status.as_str(),
        "failed"
    );
    let (s, b) = h.post(&path, &h.admin, Value::Null).await;
    assert_eq!(
        (s.as_u16(), b["requeued"].clone()),
        (200, json!([first])),
        "{b}"
    );
    let record = h.store.outbox_record(first).await.unwrap();
    assert_eq!(record.status.as_str(), "pending");
    assert_eq!(record.attempts, 0, "its attempts start again");
    assert!(record.next_attempt_at.0 <= Timestamp::now().0, "due now");
    // Pending now, not failed: a clear conflict.
    let (s, b) = h.post(&path, &h.admin, Value::Null).await;
    assert_eq!(s, 409, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is pending"),
        "{b}"
    );
    // The worker claims it again.
    let lease = Timestamp(Timestamp::now().0 + 60_000_000);
    let claimed = h.store.claim_outbox("w2", 10, lease).await.unwrap();
    assert_eq!(
        claimed.iter().map(|c| c.record.id).collect::<Vec<_>>(),
        [first]
    );
    assert_eq!(claimed[0].record.attempts, 1);
    assert!(h.store.outbox_sent(first, "w2").await.unwrap());
    let (s, b) = h.post(&path, &h.admin, Value::Null).await;
    assert_eq!(s, 409, "a sent mail is not retried: {b}");
    // Unknown ids are 404; a bad id is refused.
    assert_eq!(
        h.post("/api/v1/outbox/999999/retry", &h.admin, Value::Null)
            .await
            .0,
        404
    );
    assert_eq!(
        h.post("/api/v1/outbox/x/retry", &h.admin, Value::Null)
            .await
            .0
            .as_u16()
            / 100,
        4
    );
    // All at once: both failed ones, nothing else.
    let (_, second) = h.failed_send("bob").await;
    let (_, third) = h.failed_send("cy").await;
    let (s, b) = h.post("/api/v1/outbox/retry", &h.admin, Value::Null).await;
    assert_eq!(
        (s.as_u16(), b["requeued"].clone()),
        (200, json!([second, third])),
        "{b}"
    );
    let (_, status) = h.get("/api/v1/mailboxes/status", &h.admin).await;
    assert_eq!(status["outbox"]["failed"], 0, "{status}");
    assert_eq!(status["outbox"]["pending"], 2, "{status}");
    let (s, b) = h.post("/api/v1/outbox/retry", &h.admin, Value::Null).await;
    assert_eq!((s.as_u16(), b["requeued"].clone()), (200, json!([])), "{b}");
}

async fn delete(h: &Harness, path: &str, token: &str) -> (StatusCode, Value) {
    h.call(Method::DELETE, path, Some(token), None).await
}

async fn a_team_with_open_work_is_not_deleted_and_closed_tickets_keep_its_name(h: &Harness) {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Returns"}))
        .await;
    assert_eq!(s, 201, "{t}");
    let team = t["id"].as_i64().unwrap();
    let path = format!("/api/v1/teams/{team}");
    let (s, _) = h
        .call(
            Method::PATCH,
            &path,
            Some(&h.lead),
            Some(json!({"members": [h.agent_id.0]})),
        )
        .await;
    assert_eq!(s, 200);
    let ticket = h
        .ticket("Refund please", Some(rapport_core::TeamId(team)))
        .await;
    let policy = json!({"name": "Returns first", "conditions": {"teams": [team]}, "first_response_minutes": 60});
    let (s, p) = h.post("/api/v1/sla-policies", &h.admin, policy).await;
    assert_eq!(s, 201, "{p}");

    // Agents may not; leads and admins are refused with what blocks it.
    assert_eq!(delete(h, &path, &h.agent).await.0, 403);
    let (s, b) = delete(h, &path, &h.lead).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "conflict");
    let message = b["error"]["message"].as_str().unwrap();
    assert!(message.contains("1 open ticket"), "{message}");
    assert!(message.contains(&format!("#{ticket}")), "{message}");
    assert!(message.contains("\"Returns first\""), "{message}");
    // The policy changed, the open ticket still blocks.
    let (s, _) = delete(h, &format!("/api/v1/sla-policies/{}", p["id"]), &h.admin).await;
    assert_eq!(s.as_u16() / 100, 2);
    let (s, b) = delete(h, &path, &h.admin).await;
    assert_eq!(s, 409, "{b}");
    let message = b["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("transfer it") && !message.contains("polic"),
        "{message}"
    );
    assert_eq!(h.get(&path, &h.agent).await.0, 200, "still there");

    // Closed, the ticket keeps its history: the team is archived, its name kept.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/close-as-spam"),
            &h.lead,
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = delete(h, &path, &h.lead).await;
    assert_eq!(s, 204, "{b}");
    let (_, list) = h.get("/api/v1/teams", &h.agent).await;
    assert!(
        list.as_array().unwrap().iter().all(|t| t["id"] != team),
        "{list}"
    );
    let (s, t) = h.get(&path, &h.agent).await;
    assert_eq!(s, 200, "an archived team is still read: {t}");
    assert_eq!(t["name"], "Returns");
    assert!(t["archived_at"].is_string(), "{t}");
    assert_eq!(t["members"], json!([]));
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    assert_eq!(detail["ticket"]["team_id"], team, "{detail}");
    // Gone for everything else: deleted again 404, no ticket moves there.
    assert_eq!(delete(h, &path, &h.admin).await.0, 404);
    let other = h.ticket("Where is my parcel?", None).await;
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{other}/transfer"),
            &h.agent,
            json!({"team_id": team, "note": "Returns handles parcels that come back to us."}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("team_id")),
        "{b}"
    );
    assert_eq!(
        h.call(
            Method::PATCH,
            &path,
            Some(&h.lead),
            Some(json!({"name": "Again"}))
        )
        .await
        .0,
        404
    );

    // A team no ticket ever named is deleted outright.
    let (_, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": "Temp"}))
        .await;
    let temp = format!("/api/v1/teams/{}", t["id"]);
    assert_eq!(delete(h, &temp, &h.lead).await.0, 204);
    assert_eq!(h.get(&temp, &h.agent).await.0, 404);
    assert_eq!(delete(h, "/api/v1/teams/999999", &h.admin).await.0, 404);
}

/// A login from a client address, as the throttle sees it.
async fn login(h: &Harness, client: &str, email: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"email": email, "password": password});
    let mut request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let addr: SocketAddr = format!("{client}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    let response = h.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn an_admin_sets_a_password_ending_sessions_and_the_throttle(h: &Harness) {
    let email = "agent@test.example";
    let path = format!("/api/v1/agents/{}/password", h.agent_id.0);
    // A client guessing the agent's password must wait, even with the right one.
    let guesser = "203.0.113.40";
    let mut refused = false;
    for _ in 0..12 {
        let (s, b) = login(h, guesser, email, "wrong password!").await;
        assert!(s == 401 || s == 429, "{s} {b}");
        if s == 429 {
            refused = true;
            break;
        }
    }
    assert!(refused, "the guessing client must wait");
    assert_eq!(
        login(h, guesser, email, "correct horse battery").await.0,
        429
    );
    let (s, session) = login(h, "198.51.100.40", email, "correct horse battery").await;
    assert_eq!(s, 200, "{session}");
    let session = session["token"].as_str().unwrap().to_string();
    assert_eq!(h.get("/api/v1/auth/me", &session).await.0, 200);

    // Leads and agents may not; nor an admin on themself, silently.
    let body = json!({"password": NEW_PASSWORD});
    for token in [&h.lead, &h.agent, &h.other_agent] {
        assert_eq!(h.post(&path, token, body.clone()).await.0, 403);
    }
    let own = format!("/api/v1/agents/{}/password", h.admin_id.0);
    let (s, b) = h.post(&own, &h.admin, body.clone()).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(
        h.get("/api/v1/auth/me", &h.admin).await.0,
        200,
        "still signed in"
    );
    // The same password rules as everywhere; unknown ids; unknown fields.
    let (s, b) = h.post(&path, &h.admin, json!({"password": "short"})).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("password")),
        "{b}"
    );
    let (s, _) = h
        .post("/api/v1/agents/999999/password", &h.admin, body.clone())
        .await;
    assert_eq!(s, 404);
    let (s, _) = h
        .post(&path, &h.admin, json!({"password": NEW_PASSWORD, "x": 1}))
        .await;
    assert_eq!(s, 422);
    assert_eq!(
        h.get("/api/v1/auth/me", &h.agent).await.0,
        200,
        "nothing changed yet"
    );

    let (s, line) = h.post(&path, &h.admin, body).await;
    assert_eq!(s, 200, "{line}");
    assert_eq!(line["agent_id"], h.agent_id.0);
    assert_eq!(line["actor_id"], h.admin_id.0);
    assert_eq!(line["action"], "password_reset");
    // Every session and token of theirs is gone.
    assert_eq!(h.get("/api/v1/auth/me", &session).await.0, 401);
    assert_eq!(h.get("/api/v1/auth/me", &h.agent).await.0, 401);
    // The guessing client's wait is cleared for this account; the new password works.
    let (s, b) = login(h, guesser, email, NEW_PASSWORD).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        login(h, "198.51.100.41", email, "correct horse battery")
            .await
            .0,
        401
    );
    // It is recorded: who, whom, when.
    let audit = format!("/api/v1/agents/{}/audit", h.agent_id.0);
    let (s, lines) = h.get(&audit, &h.admin).await;
    assert_eq!(s, 200, "{lines}");
    assert_eq!(lines.as_array().unwrap().len(), 1, "{lines}");
    assert_eq!(lines[0]["actor_id"], h.admin_id.0);
    assert!(lines[0]["at"].is_string());
    assert_eq!(h.get(&audit, &h.lead).await.0, 403);
    assert_eq!(h.get("/api/v1/agents/999999/audit", &h.admin).await.0, 404);
}
