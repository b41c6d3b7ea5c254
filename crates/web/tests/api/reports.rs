//! Reports from the event log: the projection is written with every change,
//! the rebuild from the log gives the same rows, the figures and CSV come
//! over the API, and an agent sees only their own scorecard. Every test
//! runs on SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use rapport_core::TicketId;
use serde_json::json;

async fn ok(h: &Harness, path: &str, token: &str, body: serde_json::Value) {
    let (s, b) = h.post(path, token, body).await;
    assert!(s.is_success(), "{path}: {b}");
}

/// One ticket answered once and solved, one answered over the coach's
/// blocking findings, one untouched.
async fn seed(h: &Harness) -> (i64, i64, i64) {
    let solved = h.ticket("Broken lamp", Some(h.team)).await;
    let overridden = h.ticket("Late parcel", Some(h.team)).await;
    let untouched = h.ticket("Invoice copy", Some(h.team2)).await;
    for id in [solved, overridden] {
        ok(
            h,
            &format!("/api/v1/tickets/{id}/assign"),
            &h.agent,
            json!({"agent_id": h.agent_id.0}),
        )
        .await;
    }
    ok(
        h,
        &format!("/api/v1/tickets/{solved}/messages"),
        &h.agent,
        json!({"kind": "reply", "body": "Hi Ann,\n\nI have sent a new lamp today; it arrives on Monday.\n\nBest regards,\nSam"}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{solved}/status"),
        &h.agent,
        json!({"status": "solved"}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{overridden}/messages"),
        &h.agent,
        json!({"kind": "reply", "body": "Hi Ann, calm down, that's our policy.", "override_reason": "Customer asked for the policy wording verbatim"}),
    )
    .await;
    (solved, overridden, untouched)
}

async fn the_projection_follows_every_change_and_the_rebuild_agrees(h: &Harness) {
    let (solved, _, untouched) = seed(h).await;
    let running = h.store.report_snapshot().await.expect("snapshot");
    assert!(
        running.len() >= 4,
        "three tickets and their override checks: {running:?}"
    );
    // Wipe the projection, then rebuild it from the log alone.
    h.store
        .replace_report_facts(TicketId(0), TicketId(untouched.max(solved)), &[])
        .await
        .expect("wipe");
    assert!(
        h.store
            .report_snapshot()
            .await
            .expect("snapshot")
            .is_empty()
    );
    let folded = h.app.rebuild_reports(|_| {}).await.expect("rebuild");
    assert_eq!(folded, 3);
    assert_eq!(h.store.report_snapshot().await.expect("snapshot"), running);

    let (s, r) = h.get("/api/v1/reports?period=day", &h.lead).await;
    assert_eq!(s.as_u16(), 200, "{r}");
    let totals = &r["totals"];
    assert_eq!(totals["tickets"], 3, "{r}");
    assert_eq!(totals["resolved"], 1);
    assert_eq!(totals["one_touch"], 1.0);
    assert_eq!(totals["overrides"], 1);
    assert!(
        totals["first_response_median"].as_i64().is_some(),
        "{totals}"
    );
    assert_eq!(r["series"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["by_team"].as_array().map(Vec::len), Some(2));
    let overrides = r["overrides"].as_array().expect("overrides");
    assert!(
        overrides
            .iter()
            .any(|o| o["check"] == "rude" && o["agent_id"] == h.agent_id.0 && o["count"] == 1),
        "{overrides:?}"
    );
    let team_only = h
        .get(&format!("/api/v1/reports?team={}", h.team2.0), &h.lead)
        .await
        .1;
    assert_eq!(team_only["totals"]["tickets"], 1);

    let (s, csv) = h
        .call(
            axum::http::Method::GET,
            "/api/v1/reports/csv?table=channels",
            Some(&h.lead),
            None,
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{csv}");
    let (s, b) = h.get("/api/v1/reports?period=year", &h.lead).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("period"))
    );
    let (s, b) = h.get("/api/v1/reports?from=2026-13-01", &h.lead).await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("from"))
    );
}

async fn agents_see_their_own_scorecard_only(h: &Harness) {
    seed(h).await;
    let (s, b) = h.get("/api/v1/reports", &h.agent).await;
    assert_eq!(s.as_u16(), 403, "{b}");
    let (s, b) = h.get("/api/v1/reports/fairness", &h.agent).await;
    assert_eq!(s.as_u16(), 403, "{b}");
    let own = format!("/api/v1/reports/scorecards/{}", h.agent_id.0);
    let (s, card) = h.get(&own, &h.agent).await;
    assert_eq!(s.as_u16(), 200, "{card}");
    assert_eq!(card["figures"]["tickets"], 2, "{card}");
    let checks: Vec<&str> = card["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["check"].as_str())
        .collect();
    assert!(checks.contains(&"rude"), "{card}");
    let (s, b) = h
        .get(
            &format!("/api/v1/reports/scorecards/{}", h.other_agent_id.0),
            &h.agent,
        )
        .await;
    assert_eq!(s.as_u16(), 403, "{b}");
    let (s, _) = h.get(&own, &h.admin).await;
    assert_eq!(s.as_u16(), 200);
    let (s, audit) = h.get("/api/v1/reports/fairness?by=channel", &h.lead).await;
    assert_eq!(s.as_u16(), 200, "{audit}");
    assert_eq!(audit["min_group_size"], 30);
    assert!(
        audit["summary"][0]
            .as_str()
            .is_some_and(|t| t.contains("No gap")),
        "three tickets draw no conclusion: {audit}"
    );
    let (s, b) = h
        .get("/api/v1/reports/fairness?by=shoe_size", &h.lead)
        .await;
    assert_eq!(
        (s.as_u16(), b["error"]["field"].as_str()),
        (422, Some("group_by")),
        "{b}"
    );
}

both_backends!(
    the_projection_follows_every_change_and_the_rebuild_agrees,
    agents_see_their_own_scorecard_only,
);
