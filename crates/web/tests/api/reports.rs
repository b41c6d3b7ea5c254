//! Reports from the event log: the projection is written with every change,
//! the rebuild from the log gives the same rows, the figures and CSV come
//! over the API, and an agent sees only their own scorecard. Every test
//! runs on SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use rapport_app::Caller;
use rapport_app::reports::{ReportFilter, ReportQuery};
use rapport_core::report::Period;
use rapport_core::report::figures::breakdown;
use rapport_core::{Channel, Priority, Role, Status, TicketId};
use rapport_fixtures::demo::builtin_conversations;
use rapport_fixtures::generate::{GenerateOptions, generate};
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
        json!({"kind": "reply", "body": "Hi Ann,\n\nI'm sorry your lamp arrived broken. I have sent a new lamp today; it arrives on Monday.\n\nBest regards,\nSam"}),
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
    let (solved, overridden, untouched) = seed(h).await;
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
    // The cells summed from no rows are none.
    h.store.sum_report_cells().await.expect("sum");
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
    // The coach's findings are recorded with each sent reply: none on the
    // clean reply, the blocking ones (and any warnings) on the other.
    let (_, clean) = h
        .get(&format!("/api/v1/tickets/{solved}/events"), &h.lead)
        .await;
    assert!(!clean.to_string().contains("coach_found"), "{clean}");
    let (_, rude) = h
        .get(&format!("/api/v1/tickets/{overridden}/events"), &h.lead)
        .await;
    let found: Vec<&serde_json::Value> = rude
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e.to_string().contains("coach_found"))
        .collect();
    assert_eq!(found.len(), 1, "{rude}");
    assert!(found[0].to_string().contains("\"rude\""), "{rude}");
    let findings = r["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["check"] == "rude" && f["agent_id"] == h.agent_id.0 && f["count"] == 1),
        "{findings:?}"
    );
    assert!(
        findings.iter().all(|f| f["count"] == 1),
        "one reply had findings: {findings:?}"
    );
    let (s, csv) = h
        .call(
            axum::http::Method::GET,
            "/api/v1/reports/csv?table=findings",
            Some(&h.lead),
            None,
        )
        .await;
    assert_eq!(s.as_u16(), 200, "{csv}");
    let csv = csv
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| csv.to_string());
    assert!(csv.starts_with("agent,check,replies"), "{csv}");
    assert!(csv.contains(&format!("{},rude,1", h.agent_id.0)), "{csv}");
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
    let over_time: Vec<(&str, &str)> = card["findings_series"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| Some((f["period"].as_str()?, f["check"].as_str()?)))
        .collect();
    assert!(
        over_time.iter().any(|(p, c)| *c == "rude" && p.len() == 7),
        "monthly by default: {card}"
    );
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

/// The report from the pre-summed cells equals summing the tickets' rows
/// one by one, for filters on every dimension and every period.
async fn assert_cells_equal_rows(h: &Harness) -> rapport_core::report::figures::Figures {
    let all = h
        .store
        .report_rows(&ReportFilter::default())
        .await
        .expect("rows");
    let team = all.iter().find_map(|r| r.team_id);
    let agent = all.iter().find_map(|r| r.agent_id);
    let first = all.first().map_or(0, |r| r.day);
    let filters = [
        ReportFilter::default(),
        ReportFilter {
            team,
            ..Default::default()
        },
        ReportFilter {
            agent,
            ..Default::default()
        },
        ReportFilter {
            channel: Some(Channel::Email),
            ..Default::default()
        },
        ReportFilter {
            priority: Some(Priority::High),
            ..Default::default()
        },
        ReportFilter {
            from_day: Some(first + 30),
            to_day: Some(first + 120),
            ..Default::default()
        },
        ReportFilter {
            team,
            channel: Some(Channel::Portal),
            from_day: Some(first + 60),
            ..Default::default()
        },
    ];
    let caller = Caller::operator(h.admin_id, Role::Admin);
    for filter in filters {
        for period in [Period::Day, Period::Week, Period::Month] {
            let query = ReportQuery {
                filter: filter.clone(),
                period,
            };
            let report = h.app.report(&caller, &query).await.expect("report");
            let rows = h.store.report_rows(&filter).await.expect("rows");
            assert!(!rows.is_empty(), "{filter:?} selects tickets");
            assert_eq!(
                report.breakdown,
                breakdown(&rows, period),
                "{filter:?} {period:?}"
            );
        }
        let coach = h.store.override_counts(&filter).await.expect("cells");
        assert_eq!(
            coach,
            h.store
                .override_counts_from_rows(&filter)
                .await
                .expect("rows"),
            "{filter:?}"
        );
        if filter == ReportFilter::default() {
            assert!(
                coach.iter().any(|c| c.findings > 0 && c.count == 0),
                "the generated replies' warnings are counted: {coach:?}"
            );
            assert!(
                coach.iter().any(|c| c.findings > 0 && c.count > 0),
                "an override is also a finding: {coach:?}"
            );
        }
    }
    let query = ReportQuery {
        filter: ReportFilter::default(),
        period: Period::Month,
    };
    h.app
        .report(&caller, &query)
        .await
        .expect("report")
        .breakdown
        .totals
}

async fn the_pre_summed_cells_equal_the_per_ticket_sums(h: &Harness) {
    let options = GenerateOptions {
        tickets: 600,
        batch: 200,
        ..Default::default()
    };
    generate(
        &h.app,
        &h.store,
        &builtin_conversations(),
        &options,
        &|_| {},
    )
    .await
    .expect("generate");
    h.app.rebuild_reports(|_| {}).await.expect("rebuild");
    let totals = assert_cells_equal_rows(h).await;
    // A varied history: the generator's ratings, recoveries, promises and
    // overrides are all in the figures.
    assert!(totals.tickets >= 590, "{totals:?}");
    assert!(
        totals.csat_responses > 20 && totals.low_csat > 0,
        "{totals:?}"
    );
    assert!(
        totals.recovery_opened > 0 && totals.recovery_closed > 0,
        "{totals:?}"
    );
    assert!(
        totals.promises_made > 0 && totals.overrides > 0,
        "{totals:?}"
    );
    assert!(
        totals.first_response_p90 > totals.first_response_median,
        "{totals:?}"
    );

    // Live changes move tickets between cells: owner, team, priority,
    // reopening, spam, and a reply over the coach's findings.
    let before = h.store.report_snapshot().await.expect("snapshot");
    let tickets = h
        .store
        .list_tickets(&rapport_store::TicketFilter {
            limit: 200,
            ..Default::default()
        })
        .await
        .expect("tickets");
    let solved: Vec<i64> = tickets
        .iter()
        .filter(|t| t.status == Status::Solved)
        .map(|t| t.id.0)
        .take(3)
        .collect();
    assert_eq!(solved.len(), 3, "the generator solves tickets");
    for id in &solved {
        ok(
            h,
            &format!("/api/v1/tickets/{id}/status"),
            &h.admin,
            json!({"status": "open"}),
        )
        .await;
    }
    let open: Vec<i64> = tickets
        .iter()
        .filter(|t| t.status == Status::Open)
        .map(|t| t.id.0)
        .take(4)
        .collect();
    assert_eq!(open.len(), 4, "the generator leaves tickets open");
    ok(
        h,
        &format!("/api/v1/tickets/{}/transfer", open[0]),
        &h.admin,
        json!({"agent_id": h.agent_id.0, "team_id": h.team.0, "note": "The customer wants the parcel sent to the office."}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{}/transfer", open[1]),
        &h.admin,
        json!({"team_id": h.team2.0, "note": "The customer needs a refund for the broken lamp."}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{}/priority", open[2]),
        &h.admin,
        json!({"priority": "urgent"}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{}/close-as-spam", open[3]),
        &h.admin,
        json!({"reason": "advertising"}),
    )
    .await;
    ok(
        h,
        &format!("/api/v1/tickets/{}/messages", solved[0]),
        &h.admin,
        json!({"kind": "reply", "body": "Hi Ann, calm down, that's our policy.", "override_reason": "Customer asked for the policy wording verbatim"}),
    )
    .await;
    let running = h.store.report_snapshot().await.expect("snapshot");
    assert_ne!(running, before, "the changes moved the projection");
    let after = assert_cells_equal_rows(h).await;
    assert_eq!(after.tickets, totals.tickets - 1, "spam is left out");
    assert_eq!(after.reopened, totals.reopened + 3);
    // The cells kept by every change equal their sum anew from the rows.
    h.app.rebuild_reports(|_| {}).await.expect("rebuild");
    assert_eq!(h.store.report_snapshot().await.expect("snapshot"), running);
}

/// Raises a ticket's priority in an open transaction: its report row
/// moves from one cell to another.
async fn raise(tx: &mut rapport_store::WriteTx, id: i64, actor: rapport_core::Actor) {
    tx.change_ticket(TicketId(id), actor, None, |t, _| {
        Ok::<_, rapport_store::StoreError>(vec![rapport_core::EventKind::PriorityChanged {
            from: t.priority,
            to: Priority::Urgent,
        }])
    })
    .await
    .expect("change");
}

/// Two transactions that change tickets of two teams in crossed order:
/// the cells are written at commit in key order, so neither waits on a
/// cell the other holds (on PostgreSQL this deadlocked while each change
/// wrote its cells at once), and the cells still sum to the rows.
async fn crossed_changes_never_deadlock_on_the_cells(h: &Harness) {
    let a = h.ticket("A", Some(h.team)).await;
    let b = h.ticket("B", Some(h.team2)).await;
    let c = h.ticket("C", Some(h.team2)).await;
    let d = h.ticket("D", Some(h.team)).await;
    let actor = rapport_core::Actor::Agent(h.agent_id);
    if h.store.backend() == rapport_store::Backend::Postgres {
        let mut one = h.store.begin_write().await.expect("begin");
        let mut two = h.store.begin_write().await.expect("begin");
        raise(&mut one, a, actor).await;
        raise(&mut two, c, actor).await;
        let first = tokio::spawn(async move {
            raise(&mut one, b, actor).await;
            one.commit().await
        });
        let second = tokio::spawn(async move {
            raise(&mut two, d, actor).await;
            two.commit().await
        });
        let wait = std::time::Duration::from_secs(30);
        for task in [first, second] {
            let done = tokio::time::timeout(wait, task)
                .await
                .expect("no transaction waits for ever")
                .expect("task");
            assert!(
                done.is_ok(),
                "both commit, none is a deadlock victim: {done:?}"
            );
        }
    } else {
        // SQLite has one writer: the transactions run one after the other.
        for pair in [[a, b], [c, d]] {
            let mut tx = h.store.begin_write().await.expect("begin");
            for id in pair {
                raise(&mut tx, id, actor).await;
            }
            tx.commit().await.expect("commit");
        }
    }
    let caller = Caller::operator(h.admin_id, Role::Admin);
    for priority in [None, Some(Priority::Urgent)] {
        let filter = ReportFilter {
            priority,
            ..Default::default()
        };
        let query = ReportQuery {
            filter: filter.clone(),
            period: Period::Day,
        };
        let report = h.app.report(&caller, &query).await.expect("report");
        let rows = h.store.report_rows(&filter).await.expect("rows");
        assert_eq!(report.breakdown, breakdown(&rows, Period::Day));
        assert_eq!(report.breakdown.totals.tickets, 4, "every change counted");
    }
}

both_backends!(
    crossed_changes_never_deadlock_on_the_cells,
    the_projection_follows_every_change_and_the_rebuild_agrees,
    agents_see_their_own_scorecard_only,
    the_pre_summed_cells_equal_the_per_ticket_sums,
);
