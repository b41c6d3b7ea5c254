//! The `ticket_tags` table: each ticket's tags one row a tag, kept in step
//! with the tickets' `tags` column by every write of a ticket, so a view
//! narrowed by a tag is a look-up by key.

use crate::StoreError;
use rapport_core::TicketId;
use sqlx::{AnyConnection, Row};

/// The migration that starts `ticket_tags`; applying it fills the table.
pub(crate) const MIGRATION: i64 = 35;

/// Writes a ticket's tags anew (after it was created or its tags changed).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    ticket: TicketId,
    tags: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM ticket_tags WHERE ticket_id = $1")
        .bind(ticket.0)
        .execute(&mut *conn)
        .await?;
    for tag in tags {
        sqlx::query("INSERT INTO ticket_tags (tag, ticket_id) VALUES ($1, $2)")
            .bind(tag)
            .bind(ticket.0)
            .execute(&mut *conn)
            .await?;
    }
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
            write(conn, TicketId(id), &tags).await?;
        }
        Ok(())
    })
    .await
}
