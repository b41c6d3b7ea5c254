//! Issue 12: a password reset forgets an account's client-and-account
//! failure counts by their group (`key_group`, migration 32), an indexed
//! equality, never a `LIKE` over the keys; the migration groups the rows
//! written before it. On SQLite and on PostgreSQL.

use crate::both_backends;
use crate::harness::Harness;
use rapport_core::Timestamp;
use rapport_store::Store;

both_backends!(an_accounts_pairs_are_forgotten_by_group_and_the_migration_groups_old_rows);

const KEYS: [&str; 4] = ["pair:abc:1", "pair:abc:2", "pair:abd:1", "account:abc"];

/// The keys still counted, sorted.
async fn left(store: &Store) -> Vec<String> {
    let mut keys: Vec<String> = store
        .throttle_rows(&KEYS, Timestamp(0))
        .await
        .expect("rows")
        .into_iter()
        .map(|r| r.key)
        .collect();
    keys.sort();
    keys
}

async fn an_accounts_pairs_are_forgotten_by_group_and_the_migration_groups_old_rows(h: &Harness) {
    let now = Timestamp::now();
    h.store
        .record_failures(&KEYS, now, Timestamp(0))
        .await
        .expect("record");
    // A group that is a prefix of another's text is not that group.
    assert_eq!(
        h.store
            .clear_throttle_keys(&[], "pair:ab")
            .await
            .expect("clear"),
        0
    );
    assert_eq!(
        h.store
            .clear_throttle_keys(&[], "pair:abc:")
            .await
            .expect("clear"),
        2
    );
    assert_eq!(left(&h.store).await, vec!["account:abc", "pair:abd:1"]);

    // The table as the release before migration 32 left it, then migrated.
    h.store
        .record_failures(&KEYS, now, Timestamp(0))
        .await
        .expect("record");
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&h.database_url)
        .await
        .expect("database");
    for sql in [
        "DROP INDEX login_throttle_by_group",
        "ALTER TABLE login_throttle DROP COLUMN key_group",
        "DELETE FROM schema_migrations WHERE version = 32",
    ] {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    pool.close().await;
    let store = Store::connect(&h.database_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    assert_eq!(
        store
            .clear_throttle_keys(&["account:abc"], "pair:abc:")
            .await
            .expect("clear"),
        3
    );
    assert_eq!(left(&store).await, vec!["pair:abd:1"]);
}
