//! Response targets (SLA) wired to tickets: policies chosen by conditions,
//! clocks in business time on every ticket write, true pauses, warnings and
//! breaches recorded once with notifications and escalation mail, filters
//! and sort by due time, and the bugs other help desks' users report, each a
//! named test. Every test runs on SQLite and on PostgreSQL.

use crate::both_backends_with;
use crate::harness::Harness;
use rapport_app::{AppConfig, BusinessConfig};
use rapport_core::{CalendarSpec, Timestamp};
use serde_json::{Value, json};

const MINUTE: i64 = 60_000_000;

/// Berlin, open around the clock: business time is wall time, so due times
/// can be checked to the microsecond at any hour the tests run.
fn always_open() -> AppConfig {
    let mut spec = CalendarSpec::new("Around the clock", "Europe/Berlin");
    spec.always_open = true;
    AppConfig {
        business: BusinessConfig {
            calendar: spec,
            first_response_minutes: 480,
            ..BusinessConfig::default()
        },
        ..AppConfig::default()
    }
}

/// Berlin office hours, Monday to Friday 09:00-17:00.
fn office_hours() -> AppConfig {
    AppConfig {
        business: BusinessConfig {
            calendar: CalendarSpec::office_hours("Office", "Europe/Berlin"),
            ..BusinessConfig::default()
        },
        ..AppConfig::default()
    }
}

fn ts(text: &str) -> Timestamp {
    let at: jiff::Timestamp = text.parse().expect("an RFC 3339 time");
    Timestamp(at.as_microsecond())
}

async fn clocks(h: &Harness, ticket: i64) -> Value {
    let (s, b) = h
        .get(&format!("/api/v1/tickets/{ticket}/clocks"), &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    b
}

fn clock<'a>(clocks: &'a Value, kind: &str) -> &'a Value {
    clocks["clocks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} clock in {clocks}"))
}

/// A clock's due time, in whole seconds (the API gives seconds).
fn due(clocks: &Value, kind: &str) -> Option<Timestamp> {
    clock(clocks, kind)["due_at"].as_str().map(ts)
}

/// An instant cut to whole seconds, to compare with what the API shows.
fn secs(t: i64) -> Timestamp {
    Timestamp(t.div_euclid(1_000_000) * 1_000_000)
}

async fn created_at(h: &Harness, ticket: i64) -> Timestamp {
    let (_, b) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    ts(b["ticket"]["created_at"].as_str().expect("created_at"))
}

async fn policy(h: &Harness, body: Value) -> Value {
    let (s, b) = h.post("/api/v1/sla-policies", &h.admin, body).await;
    assert_eq!(s.as_u16(), 201, "{b}");
    b
}

async fn say(h: &Harness, ticket: i64, kind: &str, body: &str) {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/messages"),
            &h.agent,
            json!({"kind": kind, "body": body, "override_reason": "test wording"}),
        )
        .await;
    assert_eq!(s.as_u16(), 201, "{b}");
}

async fn status(h: &Harness, ticket: i64, to: &str) {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/status"),
            &h.agent,
            json!({"status": to}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
}

async fn take(h: &Harness, ticket: i64) {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/assign"),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
}

/// The clock events of a ticket: (clock, change, actor kind).
async fn clock_events(h: &Harness, ticket: i64) -> Vec<(String, String, String)> {
    let (_, events) = h
        .get(&format!("/api/v1/tickets/{ticket}/events"), &h.agent)
        .await;
    events
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == "sla_clock")
        .map(|e| {
            (
                e["data"]["clock"].as_str().unwrap_or("").to_string(),
                e["data"]["change"].as_str().unwrap_or("").to_string(),
                e["actor_kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const REPLY: &str =
    "Hi Ann,\n\nI'm sorry it arrived broken. A new one ships today.\n\nBest regards,\nSam";

/// A policy picked by priority: the first match wins, a ticket no policy
/// matches has the configured targets, and a priority change moves it.
async fn policies_are_chosen_by_conditions(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    let opened = created_at(h, ticket).await;
    let c = clocks(h, ticket).await;
    assert_eq!(c["policy"], "Default targets", "{c}");
    assert_eq!(
        due(&c, "first_response"),
        Some(secs(opened.0 + 480 * MINUTE))
    );
    policy(
        h,
        json!({"name": "Urgent", "position": 1, "conditions": {"priorities": ["urgent"]},
               "first_response_minutes": 30, "resolution_minutes": 240}),
    )
    .await;
    policy(
        h,
        json!({"name": "Everything", "position": 9, "first_response_minutes": 120}),
    )
    .await;
    // The recompute after a policy change runs in the background.
    let mut c = clocks(h, ticket).await;
    for _ in 0..50 {
        if c["policy"] == "Everything" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        c = clocks(h, ticket).await;
    }
    assert_eq!(c["policy"], "Everything", "{c}");
    assert_eq!(
        due(&c, "first_response"),
        Some(secs(opened.0 + 120 * MINUTE))
    );
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/priority"),
            &h.lead,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{b}");
    let c = clocks(h, ticket).await;
    assert_eq!(c["policy"], "Urgent", "{c}");
    assert_eq!(
        due(&c, "first_response"),
        Some(secs(opened.0 + 30 * MINUTE))
    );
    assert_eq!(due(&c, "resolution"), Some(secs(opened.0 + 240 * MINUTE)));
    // The ticket's JSON carries the clocks too, in the business zone.
    let (_, detail) = h.get(&format!("/api/v1/tickets/{ticket}"), &h.agent).await;
    assert_eq!(detail["clocks"]["policy"], "Urgent", "{detail}");
    let shown = detail["clocks"]["clocks"][0]["due_at"]
        .as_str()
        .unwrap_or("");
    assert!(
        shown.ends_with("+01:00") || shown.ends_with("+02:00"),
        "times shown in the business zone, not UTC: {shown}"
    );
}

/// Only admins change policies; bad input is a 422, a taken name a 409.
async fn policies_are_for_admins_and_checked(h: &Harness) {
    let good =
        json!({"name": "VIP", "conditions": {"tags": ["vip"]}, "first_response_minutes": 60});
    for token in [&h.agent, &h.lead] {
        let (s, _) = h.post("/api/v1/sla-policies", token, good.clone()).await;
        assert_eq!(s.as_u16(), 403);
    }
    let created = policy(h, good.clone()).await;
    let (s, _) = h.post("/api/v1/sla-policies", &h.admin, good).await;
    assert_eq!(s.as_u16(), 409);
    for (bad, field) in [
        (json!({"name": "a", "warn_percent": 150}), "warn_percent"),
        (
            json!({"name": "b", "first_response_minutes": 0}),
            "first_response_minutes",
        ),
        (json!({"name": "c", "calendar_id": 999_999}), "calendar_id"),
        (json!({"name": ""}), "name"),
    ] {
        let (s, b) = h.post("/api/v1/sla-policies", &h.admin, bad).await;
        assert_eq!(
            (s.as_u16(), b["error"]["field"].as_str()),
            (422, Some(field)),
            "{b}"
        );
    }
    let (s, _) = h
        .post(
            "/api/v1/sla-policies",
            &h.admin,
            json!({"name": "d", "colour": "red"}),
        )
        .await;
    assert_eq!(s.as_u16(), 422, "unknown fields are refused");
    let (s, list) = h.get("/api/v1/sla-policies", &h.agent).await;
    assert_eq!(s.as_u16(), 200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let id = created["id"].as_i64().expect("id");
    let (s, _) = h
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/sla-policies/{id}"),
            Some(&h.agent),
            None,
        )
        .await;
    assert_eq!(s.as_u16(), 403);
    let (s, _) = h
        .call(
            axum::http::Method::DELETE,
            &format!("/api/v1/sla-policies/{id}"),
            Some(&h.admin),
            None,
        )
        .await;
    assert_eq!(s.as_u16(), 204);
}

/// Named bug: "an internal note counted as a response". It is not; the
/// first public reply is, and the clock events say who caused what.
async fn an_internal_note_is_not_a_response(h: &Harness) {
    let ticket = h.ticket("Broken lamp", None).await;
    take(h, ticket).await;
    say(h, ticket, "note", "Checking the warehouse.").await;
    let c = clocks(h, ticket).await;
    assert_eq!(clock(&c, "first_response")["running"], true, "{c}");
    say(h, ticket, "reply", REPLY).await;
    let c = clocks(h, ticket).await;
    let first = clock(&c, "first_response");
    assert_eq!(
        (first["running"].as_bool(), first["due_at"].as_str()),
        (Some(false), None),
        "{c}"
    );
    assert!(first["stopped_at"].is_string(), "{c}");
    let events = clock_events(h, ticket).await;
    assert!(
        events.contains(&("first_response".into(), "started".into(), "agent".into())),
        "{events:?}"
    );
    assert!(
        events.contains(&("first_response".into(), "met".into(), "agent".into())),
        "{events:?}"
    );
}

/// Named bugs: "a customer reply not resetting the next-response clock" (a
/// further message while it runs does not move it) and "the update target
/// escalating after the agent had replied" (nothing is raised for a met clock).
async fn the_next_response_clock_and_no_escalation_after_a_reply(h: &Harness) {
    policy(
        h,
        json!({"name": "All", "first_response_minutes": 60, "next_response_minutes": 30}),
    )
    .await;
    let ticket = h.ticket("Broken lamp", None).await;
    take(h, ticket).await;
    say(h, ticket, "reply", REPLY).await;
    say(h, ticket, "customer", "It still has not arrived.").await;
    let first_due = due(&clocks(h, ticket).await, "next_response").expect("next response runs");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    say(h, ticket, "customer", "Hello? Anyone?").await;
    let c = clocks(h, ticket).await;
    assert_eq!(
        due(&c, "next_response"),
        Some(first_due),
        "not restarted: {c}"
    );
    say(h, ticket, "reply", REPLY).await;
    // Long after both targets: the met clocks raise nothing.
    let report = h
        .app
        .sweep_sla_alerts_at(Timestamp(Timestamp::now().0 + 600 * MINUTE))
        .await
        .expect("sweep");
    assert_eq!(report.alerts, 0, "{report:?}");
    let (_, notes) = h.get("/api/v1/notifications", &h.agent).await;
    assert_eq!(notes.as_array().map(Vec::len), Some(0), "{notes}");
    // And the customer's next message starts a new round.
    say(h, ticket, "customer", "Thanks, one more question.").await;
    let c = clocks(h, ticket).await;
    assert_eq!(clock(&c, "next_response")["running"], true, "{c}");
    let rounds = clock_events(h, ticket)
        .await
        .iter()
        .filter(|(clock, change, _)| clock == "next_response" && change == "started")
        .count();
    assert_eq!(rounds, 2, "one round per unanswered customer message");
}

/// A pause is a true pause: waiting on the customer keeps the business time
/// counted; back from pending the clock continues where it stopped, never
/// "escalates the instant it reopens". Named bug: "wrong due times after a
/// reopen" (resolution continues with the time it had).
async fn pauses_and_reopens_keep_the_time_counted(h: &Harness) {
    policy(
        h,
        json!({"name": "All", "first_response_minutes": 60, "resolution_minutes": 600}),
    )
    .await;
    let ticket = h.ticket("Broken lamp", None).await;
    take(h, ticket).await;
    status(h, ticket, "pending").await;
    let c = clocks(h, ticket).await;
    let first = clock(&c, "first_response");
    assert_eq!(
        (first["paused"].as_bool(), first["due_at"].as_str()),
        (Some(true), None),
        "{c}"
    );
    let elapsed = first["elapsed_minutes"].as_i64().expect("elapsed");
    status(h, ticket, "open").await;
    let resumed = Timestamp::now();
    let c = clocks(h, ticket).await;
    let due_first = due(&c, "first_response").expect("running again");
    // Due = resumed + (60 - counted) minutes, within the test's own seconds.
    let expected = resumed.0 + (60 - elapsed) * MINUTE;
    assert!((due_first.0 - expected).abs() < MINUTE, "{c}");
    say(h, ticket, "reply", REPLY).await;
    status(h, ticket, "solved").await;
    let c = clocks(h, ticket).await;
    assert_eq!(clock(&c, "resolution")["running"], false, "{c}");
    let counted = clock(&c, "resolution")["elapsed_minutes"]
        .as_i64()
        .expect("elapsed");
    say(h, ticket, "customer", "It broke again.").await;
    let c = clocks(h, ticket).await;
    let res = clock(&c, "resolution");
    assert_eq!(res["running"], true, "reopened: {c}");
    let due_res = due(&c, "resolution").expect("due");
    let expected = Timestamp::now().0 + (600 - counted) * MINUTE;
    assert!(
        (due_res.0 - expected).abs() < 2 * MINUTE,
        "continues, not restarted: {c}"
    );
    let events = clock_events(h, ticket).await;
    for change in ["paused", "resumed", "met"] {
        assert!(
            events.iter().any(|(_, c, _)| c == change),
            "{change} missing: {events:?}"
        );
    }
}

/// Warnings at the policy's share and breaches are recorded once each, as
/// events by Rapport, with notifications to the owner (and, for a breach,
/// the team's leads) and escalation mail.
async fn warnings_and_breaches_are_recorded_once_and_notified(h: &Harness) {
    policy(
        h,
        json!({"name": "All", "first_response_minutes": 100, "warn_percent": 50}),
    )
    .await;
    let (s, b) = h
        .call(
            axum::http::Method::PATCH,
            &format!("/api/v1/teams/{}", h.team.0),
            Some(&h.admin),
            Some(json!({"members": [h.lead_id.0, h.agent_id.0]})),
        )
        .await;
    assert!(s.is_success(), "{b}");
    // The owner works from New York: their notices say so.
    let (s, b) = h
        .call(
            axum::http::Method::PATCH,
            &format!("/api/v1/agents/{}", h.agent_id.0),
            Some(&h.agent),
            Some(json!({"time_zone": "America/New_York"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["time_zone"].as_str()),
        (200, Some("America/New_York")),
        "{b}"
    );
    let (s, b) = h
        .call(
            axum::http::Method::PATCH,
            &format!("/api/v1/agents/{}", h.agent_id.0),
            Some(&h.agent),
            Some(json!({"time_zone": "Mars/Olympus"})),
        )
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("time_zone")),
        "{b}"
    );
    let ticket = h.ticket("Broken lamp", Some(h.team)).await;
    take(h, ticket).await;
    let opened = created_at(h, ticket).await;
    let early = h
        .app
        .sweep_sla_alerts_at(Timestamp(opened.0 + 40 * MINUTE))
        .await
        .expect("sweep");
    assert_eq!(early.alerts, 0, "nothing before 50 %");
    let warned = h
        .app
        .sweep_sla_alerts_at(Timestamp(opened.0 + 51 * MINUTE))
        .await
        .expect("sweep");
    assert_eq!(warned.alerts, 1, "{warned:?}");
    let again = h
        .app
        .sweep_sla_alerts_at(Timestamp(opened.0 + 60 * MINUTE))
        .await
        .expect("sweep");
    assert_eq!(again.alerts, 0, "never twice");
    let breached = h
        .app
        .sweep_sla_alerts_at(Timestamp(opened.0 + 101 * MINUTE))
        .await
        .expect("sweep");
    assert_eq!(breached.alerts, 1, "{breached:?}");
    let to: Vec<&str> = breached
        .escalations
        .iter()
        .map(|(to, _)| to.as_str())
        .collect();
    assert!(
        to.contains(&"agent@test.example") && to.contains(&"lead@test.example"),
        "{to:?}"
    );
    let events = clock_events(h, ticket).await;
    assert!(
        events.contains(&("first_response".into(), "warned".into(), "system".into())),
        "{events:?}"
    );
    assert!(
        events.contains(&("first_response".into(), "breached".into(), "system".into())),
        "{events:?}"
    );
    let (_, mine) = h.get("/api/v1/notifications?unread=true", &h.agent).await;
    let kinds: Vec<&str> = mine
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["sla_breach", "sla_warning"], "{mine}");
    let (_, lead) = h.get("/api/v1/notifications", &h.lead).await;
    assert!(
        lead.as_array()
            .is_some_and(|a| a.iter().any(|n| n["kind"] == "sla_breach")),
        "{lead}"
    );
    let warning = mine[1]["text"].as_str().unwrap_or("");
    assert!(
        warning.contains("(America/New_York)"),
        "in the owner's zone: {warning}"
    );
    let id = mine[0]["id"].as_i64().expect("id");
    let (s, _) = h
        .post(
            &format!("/api/v1/notifications/{id}/read"),
            &h.other_agent,
            json!({}),
        )
        .await;
    assert_eq!(s.as_u16(), 404, "not theirs");
    let (s, _) = h
        .post(
            &format!("/api/v1/notifications/{id}/read"),
            &h.agent,
            json!({}),
        )
        .await;
    assert_eq!(s.as_u16(), 204);
    let (_, unread) = h.get("/api/v1/notifications?unread=true", &h.agent).await;
    assert_eq!(unread.as_array().map(Vec::len), Some(1), "{unread}");
}

/// Named bug: "escalation mail at midnight and at weekends". With office
/// hours, a breach found on a Saturday night is mailed when the business
/// opens on Monday at 09:00 Berlin time, and the text names the zone.
async fn escalation_mail_waits_for_business_hours(h: &Harness) {
    policy(h, json!({"name": "All", "first_response_minutes": 60})).await;
    let ticket = h.ticket("Broken lamp", None).await;
    take(h, ticket).await;
    // A Saturday 00:30 in Berlin at least a week away.
    let mut day = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").expect("zone"))
        .date()
        .checked_add(jiff::Span::new().days(7))
        .expect("date");
    while day.weekday() != jiff::civil::Weekday::Saturday {
        day = day.tomorrow().expect("date");
    }
    let night = day.at(0, 30, 0, 0).in_tz("Europe/Berlin").expect("instant");
    let monday = day
        .checked_add(jiff::Span::new().days(2))
        .expect("date")
        .at(9, 0, 0, 0)
        .in_tz("Europe/Berlin")
        .expect("instant");
    // On PostgreSQL the sweep skips rows another transaction holds (`FOR
    // UPDATE SKIP LOCKED`), such as the policy's background recompute
    // writing this ticket's due time; the next sweep takes them.
    let at = Timestamp(night.timestamp().as_microsecond());
    let mut report = h.app.sweep_sla_alerts_at(at).await.expect("sweep");
    for _ in 0..50 {
        if report.alerts > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        report = h.app.sweep_sla_alerts_at(at).await.expect("sweep");
    }
    assert!(report.alerts >= 1, "{report:?}");
    assert!(!report.escalations.is_empty());
    for (_, at) in &report.escalations {
        assert_eq!(
            at.0,
            monday.timestamp().as_microsecond(),
            "mailed on Monday 09:00"
        );
    }
    let (_, notes) = h.get("/api/v1/notifications", &h.agent).await;
    assert!(
        notes.as_array().into_iter().flatten().all(|n| {
            let text = n["text"].as_str().unwrap_or("");
            n["kind"] != "sla_warning" || text.contains("Europe/Berlin")
        }),
        "times name the zone: {notes}"
    );
}

/// Named bug: "a 48 h target that became 6 days": 48 hours on a calendar
/// open around the clock is 48 hours, however the ticket is paged or listed.
/// Lists filter by due soon and breached and sort by due time.
async fn due_times_filter_and_sort_lists(h: &Harness) {
    policy(
        h,
        json!({"name": "Urgent", "position": 1, "conditions": {"priorities": ["urgent"]}, "first_response_minutes": 60}),
    )
    .await;
    policy(
        h,
        json!({"name": "Rest", "position": 2, "resolution_minutes": 2880}),
    )
    .await;
    let slow = h.ticket("Slow one", None).await;
    let fast = h.ticket("Fast one", None).await;
    let (s, _) = h
        .post(
            &format!("/api/v1/tickets/{fast}/priority"),
            &h.lead,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(s.as_u16(), 200);
    let opened = created_at(h, slow).await;
    assert_eq!(
        due(&clocks(h, slow).await, "resolution"),
        Some(secs(opened.0 + 48 * 60 * MINUTE)),
        "48 hours, not 6 days"
    );
    let (s, soon) = h
        .get("/api/v1/tickets?due=soon&due_within=90", &h.agent)
        .await;
    assert_eq!(s.as_u16(), 200, "{soon}");
    let ids: Vec<i64> = soon["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![fast], "{soon}");
    assert!(soon["items"][0]["due_at"].is_string(), "{soon}");
    let (_, sorted) = h.get("/api/v1/tickets?sort=due_at&limit=1", &h.agent).await;
    assert_eq!(sorted["items"][0]["id"].as_i64(), Some(fast), "{sorted}");
    let cursor = sorted["next_cursor"]
        .as_str()
        .expect("a next page")
        .to_string();
    let (_, next) = h
        .get(
            &format!("/api/v1/tickets?sort=due_at&limit=1&cursor={cursor}"),
            &h.agent,
        )
        .await;
    assert_eq!(next["items"][0]["id"].as_i64(), Some(slow), "{next}");
    let (_, none) = h.get("/api/v1/tickets?due=breached", &h.agent).await;
    assert_eq!(none["items"].as_array().map(Vec::len), Some(0), "{none}");
    for bad in ["due=late", "due=soon&due_within=0", "sort=due"] {
        let (s, _) = h.get(&format!("/api/v1/tickets?{bad}"), &h.agent).await;
        assert_eq!(s.as_u16(), 422, "{bad}");
    }
}

/// `rapport sla recompute`: after the rules change, every open ticket's
/// due time follows, solved ones are left alone.
async fn recompute_follows_a_calendar_or_policy_change(h: &Harness) {
    let a = h.ticket("One", None).await;
    let b = h.ticket("Two", None).await;
    take(h, b).await;
    say(h, b, "reply", REPLY).await;
    status(h, b, "solved").await;
    let opened = created_at(h, a).await;
    h.store
        .create_sla_policy(&rapport_core::sla::SlaPolicy {
            id: 0,
            name: "Direct".into(),
            position: 0,
            conditions: Default::default(),
            calendar_id: None,
            targets: rapport_core::sla::Targets {
                first_response: Some(15),
                next_response: None,
                resolution: None,
            },
            warn_permille: 750,
        })
        .await
        .expect("policy");
    // Written around the use case: nothing recomputed yet.
    let (_, before) = h
        .get("/api/v1/tickets?due=soon&due_within=20", &h.agent)
        .await;
    assert_eq!(
        before["items"].as_array().map(Vec::len),
        Some(0),
        "{before}"
    );
    let done = h.app.recompute_sla(|_| {}).await.expect("recompute");
    assert_eq!(done, 1, "the open ticket only");
    let (_, soon) = h
        .get("/api/v1/tickets?due=soon&due_within=20", &h.agent)
        .await;
    let ids: Vec<i64> = soon["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![a], "{soon}");
    assert_eq!(
        due(&clocks(h, a).await, "first_response"),
        Some(secs(opened.0 + 15 * MINUTE))
    );
}

both_backends_with!(super::always_open();
    policies_are_chosen_by_conditions,
    policies_are_for_admins_and_checked,
    an_internal_note_is_not_a_response,
    the_next_response_clock_and_no_escalation_after_a_reply,
    pauses_and_reopens_keep_the_time_counted,
    warnings_and_breaches_are_recorded_once_and_notified,
    due_times_filter_and_sort_lists,
    recompute_follows_a_calendar_or_policy_change,
);

both_backends_with!(super::office_hours(); escalation_mail_waits_for_business_hours);
