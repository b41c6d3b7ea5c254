//! Reading rows back into domain types.

use crate::StoreError;
use rapport_core::{
    AgentId, Channel, Closure, CustomerId, Priority, Status, TeamId, Ticket, TicketId, Timestamp,
};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;

/// The ticket columns, in the order [`ticket`] reads them.
pub(crate) const TICKET_COLUMNS: &str = "id, subject, status, priority, channel, customer_id, team_id, owner_id, tags, transfer_count, has_public_reply, closure, created_at, updated_at, version";

/// Parses a stored enum value.
pub(crate) fn parse<T: FromStr<Err = String>>(text: &str) -> Result<T, StoreError> {
    text.parse().map_err(StoreError::Corrupt)
}

/// Reads a ticket row selected with [`TICKET_COLUMNS`].
pub(crate) fn ticket(row: &AnyRow) -> Result<Ticket, StoreError> {
    let tags: String = row.try_get("tags")?;
    let closure: Option<String> = row.try_get("closure")?;
    Ok(Ticket {
        id: TicketId(row.try_get("id")?),
        subject: row.try_get("subject")?,
        status: parse::<Status>(&row.try_get::<String, _>("status")?)?,
        priority: parse::<Priority>(&row.try_get::<String, _>("priority")?)?,
        channel: parse::<Channel>(&row.try_get::<String, _>("channel")?)?,
        customer_id: CustomerId(row.try_get("customer_id")?),
        team_id: row.try_get::<Option<i64>, _>("team_id")?.map(TeamId),
        owner_id: row.try_get::<Option<i64>, _>("owner_id")?.map(AgentId),
        tags: serde_json::from_str(&tags).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        transfer_count: row.try_get("transfer_count")?,
        has_public_reply: row.try_get::<i64, _>("has_public_reply")? != 0,
        closure: closure
            .map(|c| serde_json::from_str::<Closure>(&c))
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: Timestamp(row.try_get("created_at")?),
        updated_at: Timestamp(row.try_get("updated_at")?),
        version: row.try_get("version")?,
    })
}

/// The stored form of a ticket's tags.
pub(crate) fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// The stored form of a closure.
pub(crate) fn closure_json(closure: &Option<Closure>) -> Option<String> {
    closure.as_ref().and_then(|c| serde_json::to_string(c).ok())
}

/// The ticket a duplicate points to, kept in its own column for look-ups.
pub(crate) fn duplicate_of(closure: &Option<Closure>) -> Option<i64> {
    match closure {
        Some(Closure::Duplicate { of, .. }) => Some(of.0),
        _ => None,
    }
}

/// Placeholders for a multi-row VALUES list: `($1, $2), ($3, $4)` for 2 rows of 2.
pub(crate) fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one ticket, with `lock` (` FOR UPDATE` or empty) appended to the query.
pub(crate) async fn select_ticket<'e, E>(
    executor: E,
    id: TicketId,
    lock: &str,
) -> Result<Option<Ticket>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1{lock}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(executor)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_rows_number_every_cell() {
        assert_eq!(super::value_rows(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(super::value_rows(1, 3), "($1, $2, $3)");
    }
}
