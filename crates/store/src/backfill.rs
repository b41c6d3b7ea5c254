//! Fills a new table from rows stored before it existed, a batch at a time,
//! so a migration of a large database never holds every row in memory.

use crate::StoreError;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// Rows read at a time.
const BATCH: i64 = 1000;

/// Reads the rows `select` names a batch at a time, in id order, and hands
/// each batch to `each` until none are left. `select` returns an `id`
/// column and takes `id > $1 ... ORDER BY id LIMIT $2`.
pub(crate) async fn in_batches(
    conn: &mut AnyConnection,
    select: &'static str,
    mut each: impl AsyncFnMut(&mut AnyConnection, &[AnyRow]) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(select)
            .bind(after)
            .bind(BATCH)
            .fetch_all(&mut *conn)
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("id")?;
        each(conn, &rows).await?;
    }
}
