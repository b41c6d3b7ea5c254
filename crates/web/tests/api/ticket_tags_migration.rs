//! Migration 35 fills `ticket_tags` from the tags the tickets already
//! carried (their `tags` column, a JSON list of tags in stored form, the
//! only place tags lived before it): a database of the release before it,
//! holding more tagged tickets than one batch of the fill, is migrated and
//! holds each (tag, ticket) pair exactly once; tickets without tags have no
//! rows, and a view narrowed by a tag finds the old tickets. On SQLite and
//! on PostgreSQL.

use crate::harness::{Backend, database_at};
use rapport_store::TicketFilter;
use sqlx::Row;

/// Tickets written before the migration: well over two batches of the
/// fill (1,000 tickets each), three in four of them tagged.
const TICKETS: i64 = 3_001;

/// The tags ticket `n` carried, as the release before wrote them: in
/// stored form (lower case, trimmed), sorted, without repeats.
fn tags_of(n: i64) -> Vec<String> {
    let tags: Vec<&str> = match n % 4 {
        0 => vec![],
        1 => vec!["billing"],
        2 => vec!["billing", "vip"],
        _ => vec!["größe:xl", "refund", "über-fällig.2", "vip"],
    };
    let mut tags: Vec<String> = tags.into_iter().map(String::from).collect();
    if n == TICKETS {
        // The most a ticket may carry.
        tags = (0..30).map(|t| format!("t{t:02}")).collect();
    }
    tags
}

/// Ticket `n`'s id: spaced out, so the fill's batches do not meet
/// consecutive ids.
fn id_of(n: i64) -> i64 {
    n * 3 + 7
}

/// The (tag, ticket) rows of `ticket_tags`, sorted.
async fn rows(pool: &sqlx::AnyPool) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = sqlx::query("SELECT tag, ticket_id FROM ticket_tags")
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>("tag"), r.get::<i64, _>("ticket_id")))
        .collect();
    rows.sort();
    rows
}

async fn migration_35_fills_ticket_tags_from_the_tickets_tags(backend: Backend) {
    sqlx::any::install_default_drivers();
    let Some((store, url, cleanup)) = database_at(backend, "migration_35", 34).await else {
        return;
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version, 33, "{backend:?}: the release before migration 35");
    assert!(
        sqlx::query("SELECT COUNT(*) FROM ticket_tags")
            .fetch_one(&pool)
            .await
            .is_err(),
        "{backend:?}: no ticket_tags before migration 35"
    );
    sqlx::query(
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'Ann Lee', 0, 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    let numbers: Vec<i64> = (1..=TICKETS).collect();
    for chunk in numbers.chunks(250) {
        let values: Vec<String> = chunk
            .iter()
            .map(|&n| {
                let tags = serde_json::to_string(&tags_of(n)).unwrap();
                format!(
                    "({}, 'Ticket {n}', 'open', 'normal', 'email', 1, '{tags}', 0, 0, {n}, {n}, 1)",
                    id_of(n)
                )
            })
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO tickets (id, subject, status, priority, channel, customer_id, tags, \
             transfer_count, has_public_reply, created_at, updated_at, version) VALUES {}",
            values.join(", ")
        )))
        .execute(&pool)
        .await
        .unwrap();
    }
    let mut expected: Vec<(String, i64)> = numbers
        .iter()
        .flat_map(|&n| tags_of(n).into_iter().map(move |t| (t, id_of(n))))
        .collect();
    expected.sort();
    let tagged = numbers.iter().filter(|&&n| !tags_of(n).is_empty()).count();
    assert!(tagged > 2_000, "more tagged tickets than two batches");

    store.migrate().await.unwrap();
    let filled = rows(&pool).await;
    assert_eq!(
        filled.len(),
        expected.len(),
        "{backend:?}: one row a tag of a ticket"
    );
    assert!(filled == expected, "{backend:?}: the rows differ");
    // Tickets without tags have no rows; every tagged one has its rows.
    let mut with_rows: Vec<i64> = filled.iter().map(|(_, id)| *id).collect();
    with_rows.sort_unstable();
    with_rows.dedup();
    assert_eq!(with_rows.len(), tagged, "{backend:?}");
    assert!(!with_rows.contains(&id_of(4)), "{backend:?}: untagged");
    // A view narrowed by a tag reads them (through ticket_tags).
    for (tag, count) in [
        ("vip", (1..=TICKETS).filter(|n| n % 4 >= 2).count()),
        (
            "über-fällig.2",
            (1..=TICKETS).filter(|n| n % 4 == 3).count(),
        ),
        ("t29", 1),
        ("t3", 0),
    ] {
        let filter = TicketFilter {
            tag: Some(tag.to_string()),
            ..TicketFilter::default()
        };
        assert_eq!(
            store.count_tickets(&filter, 10_000).await.unwrap(),
            count as i64,
            "{backend:?}: tickets tagged {tag}"
        );
    }
    let first = store
        .list_tickets(&TicketFilter {
            tag: Some("größe:xl".into()),
            sort: rapport_store::TicketSort::CreatedAsc,
            limit: 2,
            ..TicketFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|t| t.id.0).collect::<Vec<_>>(),
        vec![id_of(3), id_of(7)],
        "{backend:?}"
    );
    // Migration 36 gives each row its ticket's last change, so a view
    // narrowed by a tag and sorted by it reads the tag's rows in order,
    // page after page.
    let stale: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ticket_tags JOIN tickets ON tickets.id = ticket_tags.ticket_id \
         WHERE ticket_tags.updated_at <> tickets.updated_at",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        stale, 0,
        "{backend:?}: every row carries its ticket's change"
    );
    let vip: Vec<i64> = (1..=TICKETS).rev().filter(|n| n % 4 >= 2).collect();
    let mut after = None;
    for page in vip.chunks(3).take(3) {
        let got = store
            .list_tickets(&TicketFilter {
                tag: Some("vip".into()),
                sort: rapport_store::TicketSort::UpdatedDesc,
                after,
                limit: 3,
                ..TicketFilter::default()
            })
            .await
            .unwrap();
        let want: Vec<i64> = page.iter().map(|&n| id_of(n)).collect();
        assert_eq!(
            got.iter().map(|t| t.id.0).collect::<Vec<_>>(),
            want,
            "{backend:?}: newest changed first"
        );
        let last = got.last().unwrap();
        after = Some((last.updated_at.0, last.id.0));
    }
    // Starting again applies nothing twice.
    store.migrate().await.unwrap();
    assert!(rows(&pool).await == expected, "{backend:?}: a second start");
    pool.close().await;
    store.close().await;
    cleanup.run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_35_fills_ticket_tags_from_the_tickets_tags_sqlite() {
    migration_35_fills_ticket_tags_from_the_tickets_tags(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_35_fills_ticket_tags_from_the_tickets_tags_postgres() {
    migration_35_fills_ticket_tags_from_the_tickets_tags(Backend::Postgres).await;
}
