//! Issue 12: a team's deletion learns whether a ticket's history names it
//! from `transfer_teams` (written with each transfer, filled by migration
//! 31 from the transfers stored before it), not from a `LIKE` over event
//! text. On SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use axum::http::{Method, StatusCode};
use rapport_core::TeamId;
use rapport_store::{Store, TeamRemoval};
use serde_json::{Value, json};

both_backends!(
    a_team_only_a_transfer_names_is_archived_and_an_unused_one_deleted,
    the_migration_records_the_teams_earlier_transfers_named,
);

/// Creates a team through the API.
async fn team(h: &Harness, name: &str) -> TeamId {
    let (s, t) = h
        .post("/api/v1/teams", &h.lead, json!({"name": name}))
        .await;
    assert_eq!(s, 201, "{t}");
    TeamId(t["id"].as_i64().expect("a team id"))
}

/// Moves a ticket to another team with a hand-off note.
async fn transfer(h: &Harness, ticket: i64, to: TeamId) {
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/transfer"),
            &h.lead,
            json!({"team_id": to.0, "note": "Billing question, not a return."}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// The teams `transfer_teams` holds, read straight from the database.
async fn recorded(h: &Harness) -> Vec<i64> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&h.database_url)
        .await
        .expect("database");
    let teams = sqlx::query_scalar("SELECT team_id FROM transfer_teams ORDER BY team_id")
        .fetch_all(&pool)
        .await
        .expect("transfer_teams");
    pool.close().await;
    teams
}

/// How many rows outside the events name the team (tickets, report rows).
async fn named_elsewhere(h: &Harness, team: TeamId) -> i64 {
    let pool = sqlx::AnyPool::connect(&h.database_url)
        .await
        .expect("database");
    let count: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM tickets WHERE team_id = $1) \
         + (SELECT COUNT(*) FROM report_tickets WHERE team_id = $1)",
    )
    .bind(team.0)
    .fetch_one(&pool)
    .await
    .expect("count");
    pool.close().await;
    count
}

async fn a_team_only_a_transfer_names_is_archived_and_an_unused_one_deleted(h: &Harness) {
    let returns = team(h, "Returns").await;
    let billing = team(h, "Accounts").await;
    let unused = team(h, "Unused").await;
    let ticket = h.ticket("Refund for order 1182", Some(returns)).await;
    transfer(h, ticket, billing).await;
    assert_eq!(recorded(h).await, vec![returns.0, billing.0]);
    // Only the transfer remembers Returns: no ticket or report row names it.
    assert_eq!(named_elsewhere(h, returns).await, 0);
    assert_eq!(
        h.store.remove_team(returns).await.expect("remove"),
        TeamRemoval::Archived
    );
    assert_eq!(
        h.store.remove_team(unused).await.expect("remove"),
        TeamRemoval::Deleted
    );
    let (s, _): (StatusCode, Value) = h
        .call(
            Method::GET,
            &format!("/api/v1/teams/{}", unused.0),
            Some(&h.lead),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A team named by the ticket's present is archived, not deleted, too.
    let (s, b) = h
        .post(
            &format!("/api/v1/tickets/{ticket}/close-as-spam"),
            &h.lead,
            json!({"reason": "test"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        h.store.remove_team(billing).await.expect("remove"),
        TeamRemoval::Archived
    );
}

async fn the_migration_records_the_teams_earlier_transfers_named(h: &Harness) {
    let from = team(h, "Field service").await;
    let to = team(h, "Warranty").await;
    let ticket = h.ticket("The technician did not come", Some(from)).await;
    transfer(h, ticket, to).await;
    // The database as the release before migration 31 left it: transfers
    // stored, no table of the teams they name.
    let pool = sqlx::AnyPool::connect(&h.database_url)
        .await
        .expect("database");
    for sql in [
        "DROP TABLE transfer_teams",
        "DELETE FROM schema_migrations WHERE version = 31",
    ] {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    pool.close().await;
    let store = Store::connect(&h.database_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    assert_eq!(recorded(h).await, vec![from.0, to.0]);
    assert_eq!(named_elsewhere(h, from).await, 0);
    assert_eq!(
        store.remove_team(from).await.expect("remove"),
        TeamRemoval::Archived
    );
}
