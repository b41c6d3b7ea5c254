//! The `ticket_tags` table: each ticket's tags one row a tag, kept in step
//! with the tickets' `tags` column by every write of a ticket, so a view
//! narrowed by a tag is a look-up by key. Each row carries its ticket's
//! last change too (migration 36), so the tag's tickets are read newest
//! changed first from one index.

use crate::StoreError;
use rapport_core::{TicketId, Timestamp};
use sqlx::{AnyConnection, Row};

/// The migration that starts `ticket_tags`; applying it fills the table.
pub(crate) const MIGRATION: i64 = 35;

/// Writes a ticket's tags anew, with its last change (after it was created
/// or its tags changed).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    ticket: TicketId,
    tags: &[String],
    updated_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM ticket_tags WHERE ticket_id = $1")
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO ticket_tags (tag, ticket_id, updated_at) VALUES ($1, $2, $3)")
            .bind(tag)
            .bind(ticket.0)
            .bind(updated_at.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Moves a ticket's last change on its tag rows (its tags are unchanged).
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    ticket: TicketId,
    updated_at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE ticket_tags SET updated_at = $1 WHERE ticket_id = $2")
        .bind(updated_at.0)
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Fills the table from every ticket's `tags` column (the migration).
pub(crate) async fn fill_from_tickets(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let select = "SELECT id, tags FROM tickets WHERE id > $1 AND tags <> '[]' ORDER BY id LIMIT $2";
    crate::backfill::in_batches(conn, select, async |conn, rows| {
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let tags: String = row.try_get("tags")?;
            let tags: Vec<String> = serde_json::from_str(&tags)
                .map_err(|e| StoreError::Corrupt(format!("tags of ticket {id}: {e}")))?;
            // The table as migration 35 made it (36 adds `updated_at`).
            for tag in &tags {
                sqlx::query("INSERT INTO ticket_tags (tag, ticket_id) VALUES ($1, $2)")
                    .bind(tag)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    })
    .await
}
