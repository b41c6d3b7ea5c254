//! Promises made in replies: recorded when the reply is sent (confirmed,
//! re-timed or dropped by the sender), reminded and checked by the durable
//! scheduler, broken with a prepared message, kept by the owner, by a reply
//! that fulfils them or by solving the ticket; counted per owner and ticket.
//! Every test runs on SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::Method;
use rapport_app::scheduler::SchedulerPolicy;
use rapport_core::Timestamp;
use serde_json::{Value, json};
use std::time::Duration;

const DATED: &str = "Hi Ann,\n\nI'm sorry the order arrived broken. \
I will send you a replacement by Friday. \
Let me know if there is anything else I can do.\n\nBest regards,\nSam";

fn in_seconds(seconds: i64) -> String {
    Timestamp::now().plus_seconds(seconds).to_string()
}

async fn reply(h: &Harness, ticket: i64, token: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"kind": "reply", "body": DATED});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let (s, b) = h
        .post(&format!("/api/v1/tickets/{ticket}/messages"), token, body)
        .await;
    (s.as_u16(), b)
}

async fn promises_of(h: &Harness, ticket: i64) -> Vec<Value> {
    let (s, b) = h
        .get(&format!("/api/v1/promises?ticket={ticket}"), &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    b.as_array().cloned().unwrap_or_default()
}

async fn event_types(h: &Harness, ticket: i64) -> Vec<String> {
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{ticket}/events"), &h.agent)
        .await;
    events
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["type"].as_str().or(e["kind"]["type"].as_str()))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

async fn run_jobs(h: &Harness) {
    h.app
        .run_due_jobs("promise-test", &SchedulerPolicy::default())
        .await
        .unwrap();
}

async fn pending_jobs(h: &Harness, kind: &str) -> i64 {
    h.app
        .job_counts()
        .await
        .unwrap()
        .iter()
        .filter(|c| c.kind.as_str() == kind && c.status.as_str() == "pending")
        .map(|c| c.count)
        .sum()
}

/// A promise re-timed at send falls due, is broken by the scheduler, shows
/// on the ticket's events, and has a message prepared for the customer that
/// the coach has read.
async fn an_unkept_promise_breaks_at_its_due_time(h: &Harness) {
    let ticket = h.ticket("Broken vase", None).await;
    let (s, b) = reply(
        h,
        ticket,
        &h.agent,
        json!({"promises": [{"index": 0, "action": "reschedule", "due_at": in_seconds(2)}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let list = promises_of(h, ticket).await;
    assert_eq!(list.len(), 1, "{list:?}");
    let promise = &list[0];
    assert_eq!(promise["status"], "open");
    assert_eq!(promise["owner_id"].as_i64(), Some(h.agent_id.0));
    assert!(
        promise["text"]
            .as_str()
            .unwrap_or("")
            .contains("replacement by Friday"),
        "{promise}"
    );
    let id = promise["id"].as_i64().unwrap();
    assert!(
        event_types(h, ticket)
            .await
            .contains(&"promise_made".to_string())
    );
    // Not due yet: nothing happens.
    run_jobs(h).await;
    assert_eq!(promises_of(h, ticket).await[0]["status"], "open");
    tokio::time::sleep(Duration::from_millis(2300)).await;
    run_jobs(h).await;
    let (_, broken) = h.get(&format!("/api/v1/promises/{id}"), &h.agent).await;
    assert_eq!(broken["status"], "broken", "{broken}");
    let (_, notes) = h.get("/api/v1/notifications", &h.agent).await;
    assert!(
        notes.as_array().is_some_and(|n| n
            .iter()
            .any(|n| n["kind"] == "promise_broken" && n["ticket_id"].as_i64() == Some(ticket))),
        "the owner is told: {notes}"
    );
    let draft = broken["recovery_draft"].as_str().unwrap_or("");
    assert!(
        draft.contains("I'm sorry") && draft.contains("replacement by Friday"),
        "{draft}"
    );
    assert!(
        event_types(h, ticket)
            .await
            .contains(&"promise_broken".to_string())
    );
    let (s, recovery) = h
        .get(&format!("/api/v1/promises/{id}/recovery"), &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200, "{recovery}");
    assert!(recovery["review"]["findings"].is_array(), "{recovery}");
    // A broken promise cannot be kept afterwards; the scheduler does not break it twice.
    let (s, _) = h
        .call(
            Method::PATCH,
            &format!("/api/v1/promises/{id}"),
            Some(&h.agent),
            Some(json!({"status": "kept"})),
        )
        .await;
    assert_eq!(s.as_u16(), 409);
    run_jobs(h).await;
    let broken_events = event_types(h, ticket)
        .await
        .iter()
        .filter(|t| *t == "promise_broken")
        .count();
    assert_eq!(broken_events, 1);
    let (_, summary) = h
        .get(
            &format!("/api/v1/promises/summary?ticket={ticket}"),
            &h.agent,
        )
        .await;
    assert_eq!(
        (
            summary["broken"].as_i64(),
            summary["kept_on_time_share"].as_f64()
        ),
        (Some(1), Some(0.0)),
        "{summary}"
    );
}

/// The owner keeps a promise (on time, its timers cancelled); nobody else
/// but a lead may; a reply that fulfils one keeps it; solving the ticket
/// keeps the rest, and none of them breaks afterwards.
async fn promises_are_kept_by_the_owner_a_reply_or_solving(h: &Harness) {
    let ticket = h.ticket("Late parcel", None).await;
    let week = json!({"promises": [{"index": 0, "action": "reschedule", "due_at": in_seconds(7 * 86_400)}]});
    assert_eq!(reply(h, ticket, &h.agent, week.clone()).await.0, 201);
    assert_eq!(pending_jobs(h, "promise_due").await, 1);
    assert_eq!(pending_jobs(h, "promise_reminder").await, 1);
    let first = promises_of(h, ticket).await[0]["id"].as_i64().unwrap();
    let patch = |token: &str, body: Value| {
        let path = format!("/api/v1/promises/{first}");
        let token = token.to_string();
        async move { h.call(Method::PATCH, &path, Some(&token), Some(body)).await }
    };
    let (s, _) = patch(&h.other_agent, json!({"status": "kept"})).await;
    assert_eq!(s.as_u16(), 403, "only the owner or a lead");
    let (s, b) = patch(
        &h.agent,
        json!({"status": "kept", "due_at": in_seconds(60)}),
    )
    .await;
    assert_eq!(s.as_u16(), 422, "{b}");
    let (s, kept) = patch(&h.agent, json!({"status": "kept"})).await;
    assert_eq!(s.as_u16(), 200, "{kept}");
    assert_eq!(
        (kept["status"].as_str(), kept["kept_on_time"].as_bool()),
        (Some("kept"), Some(true))
    );
    assert_eq!(
        pending_jobs(h, "promise_due").await,
        0,
        "its timers are cancelled"
    );
    assert_eq!(pending_jobs(h, "promise_reminder").await, 0);

    // A second promise, kept by a later reply that says it fulfils it.
    assert_eq!(reply(h, ticket, &h.agent, week.clone()).await.0, 201);
    let second = promises_of(h, ticket).await[0]["id"].as_i64().unwrap();
    assert_ne!(second, first);
    let (s, b) = reply(
        h,
        ticket,
        &h.agent,
        json!({"promises": [{"index": 0, "action": "reschedule", "due_at": in_seconds(2)}], "fulfils": [second]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let list = promises_of(h, ticket).await;
    let third = list[0]["id"].as_i64().unwrap();
    let status_of = |id: i64| {
        list.iter()
            .find(|p| p["id"].as_i64() == Some(id))
            .map(|p| p["status"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(status_of(second).as_deref(), Some("kept"));
    assert_eq!(status_of(third).as_deref(), Some("open"));

    // Solving the ticket keeps the third before it falls due; it never breaks.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/status"),
            &h.agent,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    tokio::time::sleep(Duration::from_millis(2300)).await;
    run_jobs(h).await;
    let (_, third_now) = h.get(&format!("/api/v1/promises/{third}"), &h.agent).await;
    assert_eq!(third_now["status"], "kept", "{third_now}");
    let (_, summary) = h
        .get(
            &format!("/api/v1/promises/summary?owner={}", h.agent_id.0),
            &h.agent,
        )
        .await;
    assert_eq!(summary["kept_on_time"].as_i64(), Some(3), "{summary}");
    assert_eq!(
        summary["kept_on_time_share"].as_f64(),
        Some(1.0),
        "{summary}"
    );
}

/// A dated promise not named is recorded as the coach read it; a dropped
/// one is not; a vague one only with a time; wrong choices are refused
/// with the field named, and nothing is sent.
async fn the_sender_confirms_retimes_or_drops_each_promise(h: &Harness) {
    let ticket = h.ticket("Refund", None).await;
    let (s, b) = reply(
        h,
        ticket,
        &h.agent,
        json!({"promises": [{"index": 0, "action": "drop"}]}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    assert!(promises_of(h, ticket).await.is_empty());
    let (s, b) = reply(h, ticket, &h.agent, json!({})).await;
    assert_eq!(s, 201, "{b}");
    let list = promises_of(h, ticket).await;
    assert_eq!(
        list.len(),
        1,
        "a dated promise is confirmed by default: {list:?}"
    );
    let due = Timestamp::parse(list[0]["due_at"].as_str().unwrap_or("")).unwrap();
    assert!(due > Timestamp::now(), "due in the future");

    let vague = "Hi Ann,\n\nWe'll get back to you soon.\n\nBest regards,\nSam";
    let path = format!("/api/v1/tickets/{ticket}/messages");
    let (s, b) = h
        .post(&path, &h.agent, json!({"kind": "reply", "body": vague}))
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    assert_eq!(
        promises_of(h, ticket).await.len(),
        1,
        "a vague promise has no time to hold"
    );
    let vague_again = "Hi Ann,\n\nWe'll get back to you soon about the refund for order 5521.\n\nBest regards,\nSam";
    let (s, b) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "reply", "body": vague_again,
                   "promises": [{"index": 0, "action": "reschedule", "due_at": in_seconds(3600)}]}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
    assert_eq!(
        promises_of(h, ticket).await.len(),
        2,
        "with a time it is recorded"
    );

    let messages_before = h
        .get(&format!("/api/v1/tickets/{ticket}/messages"), &h.agent)
        .await
        .1;
    for (extra, why) in [
        (
            json!({"promises": [{"index": 5, "action": "drop"}]}),
            "no such promise",
        ),
        (
            json!({"promises": [{"index": 0, "action": "reschedule", "due_at": in_seconds(-60)}]}),
            "in the past",
        ),
        (
            json!({"promises": [{"index": 0, "action": "reschedule"}]}),
            "no time",
        ),
        (
            json!({"promises": [{"index": 0, "action": "maybe"}]}),
            "unknown action",
        ),
    ] {
        let (s, b) = reply(h, ticket, &h.agent, extra).await;
        assert_eq!(
            (s, b["error"]["field"].as_str()),
            (422, Some("promises")),
            "{why}: {b}"
        );
    }
    let (s, b) = h
        .post(
            &path,
            &h.agent,
            json!({"kind": "note", "body": "internal", "fulfils": [1]}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("promises")),
        "{b}"
    );
    let messages_after = h
        .get(&format!("/api/v1/tickets/{ticket}/messages"), &h.agent)
        .await
        .1;
    assert_eq!(
        messages_before, messages_after,
        "a refused reply stores nothing"
    );
    let (s, _) = h.get("/api/v1/promises/999999", &h.agent).await;
    assert_eq!(s.as_u16(), 404);
    let (s, _) = h.get("/api/v1/promises?status=late", &h.agent).await;
    assert_eq!(s.as_u16(), 422);
}

both_backends!(
    an_unkept_promise_breaks_at_its_due_time,
    promises_are_kept_by_the_owner_a_reply_or_solving,
    the_sender_confirms_retimes_or_drops_each_promise,
);

/// Settings that re-read the response-target rules and the business
/// calendar on every use, so any reload inside a write transaction shows:
/// on SQLite it would wait on the one writer that transaction holds until
/// the pool gives up (30 s), as `rapport demo` once did now and then.
fn rules_reread_on_every_use() -> rapport_app::AppConfig {
    let mut config = rapport_app::AppConfig::default();
    config.business.recheck = Duration::ZERO;
    config
}

crate::both_backends_with!(super::rules_reread_on_every_use(); a_promise_breaks_with_the_rules_reread_on_every_use);
crate::both_backends_with!(super::rules_reread_on_every_use(); promises_are_kept_with_the_rules_reread_on_every_use);

/// A reply's promises recorded, then reminded and broken by the scheduler,
/// never reloading the rules inside their transactions.
async fn a_promise_breaks_with_the_rules_reread_on_every_use(h: &Harness) {
    tokio::time::timeout(
        Duration::from_secs(20),
        an_unkept_promise_breaks_at_its_due_time(h),
    )
    .await
    .expect("no write transaction waits on its own writer");
}

/// Solving (which schedules the survey in its transaction) and keeping,
/// never reloading the rules inside their transactions.
async fn promises_are_kept_with_the_rules_reread_on_every_use(h: &Harness) {
    tokio::time::timeout(
        Duration::from_secs(20),
        promises_are_kept_by_the_owner_a_reply_or_solving(h),
    )
    .await
    .expect("no write transaction waits on its own writer");
}
