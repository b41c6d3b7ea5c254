//! Demo seeding and the generator produce tickets whose logs replay.

use crate::both_backends;
use crate::harness::Harness;
use rapport_fixtures::demo::{
    builtin_conversations, ensure_demo_staff, seed_demo, written_conversations,
};
use rapport_fixtures::generate::{GenerateOptions, generate};
use rapport_store::TicketFilter;
use std::collections::HashSet;

async fn every_ticket_replays(h: &Harness) -> Vec<rapport_core::Ticket> {
    let store = &h.store;
    let mut all = Vec::new();
    let mut filter = TicketFilter {
        limit: 500,
        sort: rapport_store::TicketSort::CreatedAsc,
        ..Default::default()
    };
    loop {
        let page = store.list_tickets(&filter).await.unwrap();
        let Some(last) = page.last() else { break };
        filter.after = Some((last.id.0, last.id.0));
        all.extend(page);
    }
    for t in &all {
        let events = store.events(t.id, None, 10_000).await.unwrap();
        let replayed = rapport_core::replay(t.id, events.iter().map(|e| (e.at, &e.kind)));
        assert_eq!(
            replayed.as_ref(),
            Some(t),
            "ticket {} does not replay",
            t.id
        );
    }
    all
}

async fn demo_seeds_every_status(h: &Harness) {
    // The demo from the repository alone: no shared corpus.
    let (logins, agents, teams) = ensure_demo_staff(&h.app).await.unwrap();
    assert_eq!(logins.len(), 6);
    let seeded = seed_demo(&h.app, &[], &agents, &teams).await.unwrap();
    let written = written_conversations().unwrap().len();
    // Every written conversation and the customer's mail make a ticket.
    assert_eq!(seeded, written + 1);
    assert!(seeded >= 300, "{seeded}");
    assert_eq!(
        seed_demo(&h.app, &[], &agents, &teams).await.unwrap(),
        0,
        "seeding twice adds nothing"
    );
    let all = every_ticket_replays(h).await;
    assert_eq!(all.len(), seeded);
    let statuses: HashSet<_> = all.iter().map(|t| t.status).collect();
    assert_eq!(statuses.len(), 6, "{statuses:?}");
    assert!(all.iter().filter(|t| t.transfer_count > 0).count() >= 25);
    assert!(
        all.iter()
            .any(|t| matches!(t.closure, Some(rapport_core::Closure::Spam { .. })))
    );
    assert!(
        all.iter()
            .any(|t| matches!(t.closure, Some(rapport_core::Closure::Duplicate { .. })))
    );
    let customers: HashSet<_> = all.iter().map(|t| t.customer_id).collect();
    assert!(customers.len() >= 250, "{}", customers.len());
    // Feedback: a few solved tickets were rated, one low, which opened a
    // recovery task for the demo lead.
    let (_, tasks) = h.get("/api/v1/recovery-tasks", &h.admin).await;
    let tasks = tasks.as_array().cloned().unwrap_or_default();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["rating"], 1);
    assert_eq!(tasks[0]["lead_id"].as_i64(), Some(agents[1].0));
    let (_, survey) = h
        .get(
            &format!("/api/v1/tickets/{}/survey", tasks[0]["ticket_id"]),
            &h.admin,
        )
        .await;
    assert_eq!(survey["rating"], 1, "{survey}");
    // The report projection written with every change equals its rebuild
    // from the log alone.
    let running = h.store.report_snapshot().await.unwrap();
    assert!(running.len() >= seeded, "a row per ticket");
    h.app.rebuild_reports(|_| {}).await.unwrap();
    assert_eq!(h.store.report_snapshot().await.unwrap(), running);
    // The intake's side: a quarantined message and a bounce marked on the customer.
    let (_, held) = h.get("/api/v1/inbound/quarantine", &h.admin).await;
    assert_eq!(held.as_array().map(Vec::len), Some(1), "{held}");
    let (_, found) = h
        .get("/api/v1/customers?name=Noor%20Haddad", &h.admin)
        .await;
    let noor = found["items"][0]["id"].as_i64().unwrap();
    let (_, noor) = h.get(&format!("/api/v1/customers/{noor}"), &h.admin).await;
    assert_eq!(
        noor["bouncing"][0]["email"], "noor.haddad@example.net",
        "{noor}"
    );
    // The demo logins work, with passwords fresh at each start.
    let again = ensure_demo_staff(&h.app).await.unwrap().0;
    assert_ne!(again[0].password, logins[0].password);
    assert!(
        h.app
            .login(&again[0].email, &again[0].password, None)
            .await
            .is_ok()
    );
    assert!(
        h.app
            .login(&logins[0].email, &logins[0].password, None)
            .await
            .is_err()
    );
}

async fn generator_writes_consistent_history(h: &Harness) {
    h.ticket("made by hand first", None).await;
    let options = GenerateOptions {
        tickets: 700,
        batch: 250,
        ..Default::default()
    };
    let report = generate(
        &h.app,
        &h.store,
        &builtin_conversations(),
        &options,
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.tickets, 700);
    assert!(
        report.messages >= 700 && report.events >= 1400,
        "{report:?}"
    );
    let all = every_ticket_replays(h).await;
    assert_eq!(all.len(), 701);
    // The generator writes around the projection; the rebuild folds its
    // promises, coach overrides and customer attributes into the reports.
    assert_eq!(h.app.rebuild_reports(|_| {}).await.unwrap(), 701);
    let (s, r) = h.get("/api/v1/reports", &h.lead).await;
    assert_eq!(s.as_u16(), 200, "{r}");
    assert!(
        r["totals"]["tickets"].as_u64().is_some_and(|n| n >= 690),
        "{r}"
    );
    assert!(
        r["totals"]["promises_made"].as_u64().is_some_and(|n| n > 0),
        "{r}"
    );
    assert!(
        r["overrides"].as_array().is_some_and(|o| !o.is_empty()),
        "{r}"
    );
    let (s, audit) = h.get("/api/v1/reports/fairness?by=region", &h.lead).await;
    assert_eq!(s.as_u16(), 200, "{audit}");
    assert!(
        audit["groups"].as_array().is_some_and(|g| g.len() >= 4),
        "{audit}"
    );
    // Ids continue after generation: the API can still create tickets.
    let id = h.ticket("made by hand after", None).await;
    assert!(id > 701);
}

both_backends!(demo_seeds_every_status, generator_writes_consistent_history);
