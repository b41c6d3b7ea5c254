//! The inbox's views narrowed by tag, priority or channel read an index:
//! SQLite's `EXPLAIN QUERY PLAN` of the very statement the store runs for
//! a page of each view (its filter built by `Narrow::page_filter`, as the
//! inbox builds it; the statement by the store's ticket list) searches the
//! tickets by key, in every order and on later pages, and never scans the
//! table; a tag is looked up in `ticket_tags` by its key. On PostgreSQL,
//! whose planner reads small tables whole, sequential scans are switched
//! off for the database and the plan must still need none: an index can
//! serve every such view.

use crate::harness::{Backend, Harness};
use rapport_app::workspace::{Narrow, View};
use rapport_core::{Channel, Priority};
use rapport_store::{Store, TicketSort};

/// A narrowing, what it is called, and the index a view narrowed by it
/// alone (no owner, team or due time) reads.
fn narrows() -> Vec<(&'static str, Narrow, &'static str)> {
    vec![
        (
            "tag",
            Narrow {
                tag: Some("refund".into()),
                ..Narrow::default()
            },
            "ticket_tags",
        ),
        (
            "priority",
            Narrow {
                priority: Some(Priority::Urgent),
                ..Narrow::default()
            },
            "tickets_by_priority",
        ),
        (
            "channel",
            Narrow {
                channel: Some(Channel::Phone),
                ..Narrow::default()
            },
            "tickets_by_channel",
        ),
    ]
}

const SORTS: [TicketSort; 4] = [
    TicketSort::UpdatedDesc,
    TicketSort::UpdatedAsc,
    TicketSort::CreatedDesc,
    TicketSort::CreatedAsc,
];

/// The plan's lines, checked: no step scans a whole table of tickets or
/// tags (with or without an index: a walk of every entry is a scan too),
/// the tickets are searched by key, and a tag is looked up by its key.
fn check(plan: &[String], what: &str, index: &str) {
    let scans: Vec<&String> = plan
        .iter()
        .filter(|l| l.starts_with("SCAN tickets") || l.starts_with("SCAN ticket_tags"))
        .collect();
    assert!(scans.is_empty(), "{what} scans: {plan:#?}");
    assert!(
        plan.iter().any(|l| l.starts_with("SEARCH tickets ")),
        "{what} searches no index of the tickets: {plan:#?}"
    );
    if index == "ticket_tags" {
        assert!(
            plan.iter()
                .any(|l| l.starts_with("SEARCH ticket_tags") && l.contains("(tag=?")),
            "{what} looks up no tag by key: {plan:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowed_views_read_an_index_sqlite() {
    let h = Harness::new(Backend::Sqlite, "narrowed_plans")
        .await
        .expect("SQLite");
    let all = filters(&h);
    assert_eq!(all.len(), 3 * 7 * 4 * 2);
    for (what, index, view, filter) in all {
        let plan = h.store.list_tickets_plan(&filter).await.expect("a plan");
        check(&plan, &what, index);
        // A view narrowed by this alone reads this narrowing's index.
        if matches!(view, View::AllOpen | View::WaitingOnCustomer) {
            assert!(
                plan.iter().any(|l| l.contains(index)),
                "{what} reads no {index}: {plan:#?}"
            );
        }
    }
    h.finish().await;
}

/// Every view's filters, narrowed each way, with what they are.
fn filters(h: &Harness) -> Vec<(String, &'static str, View, rapport_store::TicketFilter)> {
    let teams = [h.team, h.team2];
    let mut all = Vec::new();
    for (by, narrow, index) in narrows() {
        for view in View::ALL {
            if view == View::PromisesDue {
                // Read from the agent's promises, not a ticket list.
                continue;
            }
            for sort in SORTS {
                for after in [None, Some((1_700_000_000_000_000, 42))] {
                    let what = format!("{view:?} by {by}, {sort:?}, after {after:?}");
                    let filter = narrow
                        .page_filter(view, h.agent_id, &teams, sort, after)
                        .unwrap_or_else(|| panic!("{what}: a filter"));
                    assert_eq!(filter.priority, narrow.priority, "{what}");
                    assert_eq!(filter.channel, narrow.channel, "{what}");
                    assert_eq!(filter.tag, narrow.tag, "{what}");
                    all.push((what, index, view, filter));
                }
            }
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn narrowed_views_read_an_index_postgres() {
    let Some(h) = Harness::new(Backend::Postgres, "narrowed_plans").await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&h.database_url).await.unwrap();
    let database: String = sqlx::query_scalar("SELECT CAST(current_database() AS TEXT)")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{database}\" SET enable_seqscan = off"
    )))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    // A store of its own: its connections start with the setting.
    let store = Store::connect(&h.database_url).await.unwrap();
    let all = filters(&h);
    assert_eq!(all.len(), 3 * 7 * 4 * 2);
    for (what, index, view, filter) in all {
        let plan = store.list_tickets_plan(&filter).await.expect("a plan");
        assert!(
            !plan
                .iter()
                .any(|l| l.contains("Seq Scan on tickets") || l.contains("Seq Scan on ticket_tags")),
            "{what} needs a sequential scan: {plan:#?}"
        );
        assert!(
            plan.iter().any(|l| l.contains(" on tickets")),
            "{what} reads no tickets: {plan:#?}"
        );
        if matches!(view, View::AllOpen | View::WaitingOnCustomer) {
            assert!(
                plan.iter().any(|l| l.contains(index)),
                "{what} reads no {index}: {plan:#?}"
            );
        }
    }
    store.close().await;
    h.finish().await;
}
