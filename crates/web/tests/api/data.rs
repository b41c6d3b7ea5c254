//! Demo seeding and the generator produce tickets whose logs replay.

use crate::both_backends;
use crate::harness::Harness;
use rapport_app::demo::{builtin_conversations, ensure_demo_staff, read_conversations, seed_demo};
use rapport_app::generate::{GenerateOptions, generate};
use rapport_store::TicketFilter;
use std::collections::HashSet;

async fn every_ticket_replays(h: &Harness) -> Vec<rapport_core::Ticket> {
    let store = h.app.store();
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
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/conversations/twitter-customer-care.dev.jsonl");
    let conversations = if path.exists() {
        read_conversations(&path).unwrap()
    } else {
        builtin_conversations()
    };
    let (logins, agents, teams) = ensure_demo_staff(&h.app).await.unwrap();
    assert_eq!(logins.len(), 6);
    let seeded = seed_demo(&h.app, &conversations, &agents, &teams)
        .await
        .unwrap();
    assert_eq!(seeded, conversations.len());
    assert_eq!(
        seed_demo(&h.app, &conversations, &agents, &teams)
            .await
            .unwrap(),
        0,
        "seeding twice adds nothing"
    );
    let all = every_ticket_replays(h).await;
    let statuses: HashSet<_> = all.iter().map(|t| t.status).collect();
    if conversations.len() > 100 {
        assert_eq!(statuses.len(), 6, "{statuses:?}");
        assert!(all.iter().any(|t| t.transfer_count > 0));
        assert!(
            all.iter()
                .any(|t| matches!(t.closure, Some(rapport_core::Closure::Spam { .. })))
        );
        assert!(
            all.iter()
                .any(|t| matches!(t.closure, Some(rapport_core::Closure::Duplicate { .. })))
        );
    }
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
    let report = generate(&h.app, &builtin_conversations(), &options, &|_| {})
        .await
        .unwrap();
    assert_eq!(report.tickets, 700);
    assert!(
        report.messages >= 700 && report.events >= 1400,
        "{report:?}"
    );
    let all = every_ticket_replays(h).await;
    assert_eq!(all.len(), 701);
    // Ids continue after generation: the API can still create tickets.
    let id = h.ticket("made by hand after", None).await;
    assert!(id > 701);
}

both_backends!(demo_seeds_every_status, generator_writes_consistent_history);
