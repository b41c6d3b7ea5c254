//! The search index's change feed and what it reads to index a ticket.
//!
//! Every change to what a ticket's search document holds (a new ticket, a
//! message, an event, an attachment, a customer's name or addresses) writes
//! a `search_changes` row in the same transaction, so the index can never
//! miss a committed change. Each server tails the feed into its own index
//! (`rapport_app::search`); a row names a ticket or a customer, and
//! applying it re-reads that ticket whole, so applying a row twice is
//! harmless.

use crate::{Store, StoreError};
use rapport_core::{AuthorKind, CustomerId, MessageKind, Ticket, TicketId, Timestamp};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::HashMap;

/// One row of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchChange {
    /// Its position (not commit-ordered on PostgreSQL).
    pub id: i64,
    /// The ticket to re-index.
    pub ticket_id: Option<TicketId>,
    /// The customer whose every ticket to re-index.
    pub customer_id: Option<CustomerId>,
}

/// What the index needs of one ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSource {
    /// The ticket.
    pub ticket: Ticket,
    /// Its customer's name.
    pub customer_name: String,
    /// Its customer's identities' values (addresses, numbers).
    pub customer_addresses: Vec<String>,
    /// Its messages, oldest first.
    pub messages: Vec<SourceMessage>,
    /// The file names of the attachments the customer sees.
    pub attachments: Vec<String>,
    /// The file names of the attachments of internal notes.
    pub note_attachments: Vec<String>,
    /// When its earliest running response target falls due, if one runs.
    pub due_at: Option<Timestamp>,
}

/// One message as the index reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMessage {
    /// Public, or an internal note (never searched for a customer).
    pub kind: MessageKind,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The author's name, when known.
    pub author_name: String,
    /// The author's address, when known.
    pub author_address: Option<String>,
    /// The visible text.
    pub text: String,
}

/// Records that a ticket's search document changed (inside the change's transaction).
pub(crate) async fn ticket_changed(
    conn: &mut AnyConnection,
    ticket: TicketId,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO search_changes (ticket_id, created_at) VALUES ($1, $2)")
        .bind(ticket.0)
        .bind(Timestamp::now().0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records that these tickets' search documents changed, in one statement
/// per 500 (inside the change's transaction).
pub(crate) async fn tickets_changed(
    conn: &mut AnyConnection,
    tickets: &[TicketId],
) -> Result<(), StoreError> {
    let now = Timestamp::now().0;
    for chunk in tickets.chunks(500) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, $1)", i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO search_changes (ticket_id, created_at) VALUES {values}");
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now);
        for ticket in chunk {
            query = query.bind(ticket.0);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Records that every ticket of a customer changed (a rename, new addresses).
pub(crate) async fn customer_changed(
    conn: &mut AnyConnection,
    customer: CustomerId,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO search_changes (customer_id, created_at) VALUES ($1, $2)")
        .bind(customer.0)
        .bind(Timestamp::now().0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn change(row: &sqlx::any::AnyRow) -> Result<SearchChange, StoreError> {
    Ok(SearchChange {
        id: row.try_get("id")?,
        ticket_id: row.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
        customer_id: row
            .try_get::<Option<i64>, _>("customer_id")?
            .map(CustomerId),
    })
}

/// `$1, $2, …` for `n` binds starting at `first`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Feed rows after `after` in id order, at most `limit`.
    pub async fn search_changes_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<SearchChange>, StoreError> {
        sqlx::query(
            "SELECT id, ticket_id, customer_id FROM search_changes WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(change)
        .collect()
    }

    /// The feed rows among `ids` that exist now (gaps that have since committed).
    pub async fn search_changes_in(&self, ids: &[i64]) -> Result<Vec<SearchChange>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, ticket_id, customer_id FROM search_changes WHERE id IN ({}) ORDER BY id",
            placeholders(1, ids.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        query
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(change)
            .collect()
    }

    /// Where a rebuild that starts now may say it stands in the feed: just
    /// before the first row written since `since` (a transaction still open
    /// then may commit rows the rebuild does not see), else the last row.
    pub async fn search_feed_floor(&self, since: Timestamp) -> Result<i64, StoreError> {
        let first_recent: Option<i64> =
            sqlx::query_scalar("SELECT MIN(id) FROM search_changes WHERE created_at >= $1")
                .bind(since.0)
                .fetch_one(&self.read)
                .await?;
        match first_recent {
            Some(id) => Ok(id - 1),
            None => Ok(
                sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM search_changes")
                    .fetch_one(&self.read)
                    .await?
                    .unwrap_or(0),
            ),
        }
    }

    /// Deletes feed rows written before `before`; returns how many.
    pub async fn prune_search_changes(&self, before: Timestamp) -> Result<u64, StoreError> {
        Ok(
            sqlx::query("DELETE FROM search_changes WHERE created_at < $1")
                .bind(before.0)
                .execute(&self.write)
                .await?
                .rows_affected(),
        )
    }

    /// Ticket ids after `after` in id order (a rebuild's scan).
    pub async fn ticket_ids_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TicketId>, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT id FROM tickets WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.read)
        .await?
        .into_iter()
        .map(TicketId)
        .collect())
    }

    /// The tickets of these customers (indexed by `tickets_by_customer`).
    pub async fn ticket_ids_of_customers(
        &self,
        customers: &[CustomerId],
    ) -> Result<Vec<TicketId>, StoreError> {
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM tickets WHERE customer_id IN ({}) ORDER BY id",
            placeholders(1, customers.len())
        );
        let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for c in customers {
            query = query.bind(c.0);
        }
        Ok(query
            .fetch_all(&self.read)
            .await?
            .into_iter()
            .map(TicketId)
            .collect())
    }

    /// These tickets as stored now (missing ones left out), in id order.
    pub async fn tickets_by_ids(&self, ids: &[TicketId]) -> Result<Vec<Ticket>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are integers, so listing them inline is safe.
        let list = ids
            .iter()
            .map(|t| t.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM tickets WHERE id IN ({list}) ORDER BY id",
            crate::rows::TICKET_COLUMNS
        )))
        .fetch_all(&self.read)
        .await?
        .iter()
        .map(crate::rows::ticket)
        .collect()
    }

    /// What the index needs of these tickets, in a few statements; tickets
    /// that no longer exist are left out.
    pub async fn search_sources(&self, ids: &[TicketId]) -> Result<Vec<SearchSource>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let tickets = self.tickets_by_ids(ids).await?;
        let list = ids
            .iter()
            .map(|t| t.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let mut due: HashMap<i64, Timestamp> = HashMap::new();
        for row in sqlx::query(AssertSqlSafe(format!(
            "SELECT id, sla_due_at FROM tickets WHERE id IN ({list}) AND sla_due_at IS NOT NULL"
        )))
        .fetch_all(&self.read)
        .await?
        {
            due.insert(row.try_get("id")?, Timestamp(row.try_get("sla_due_at")?));
        }
        let messages = sqlx::query(AssertSqlSafe(format!(
            "SELECT ticket_id, kind, author_kind, author_id, body_text FROM messages \
             WHERE ticket_id IN ({list}) ORDER BY ticket_id, id"
        )))
        .fetch_all(&self.read)
        .await?;
        let attachments = sqlx::query(AssertSqlSafe(format!(
            "SELECT a.ticket_id, a.file_name, m.kind FROM attachments a \
             LEFT JOIN messages m ON m.id = a.message_ref \
             WHERE a.ticket_id IN ({list}) ORDER BY a.id"
        )))
        .fetch_all(&self.read)
        .await?;
        // Every customer named: the tickets' and the messages' authors.
        let mut customer_ids: Vec<i64> = tickets.iter().map(|t| t.customer_id.0).collect();
        let mut agent_ids = Vec::new();
        for row in &messages {
            let kind: String = row.try_get("author_kind")?;
            if let Some(id) = row.try_get::<Option<i64>, _>("author_id")? {
                if kind == AuthorKind::Agent.as_str() {
                    agent_ids.push(id);
                } else {
                    customer_ids.push(id);
                }
            }
        }
        let customers = self.customer_people(&mut customer_ids).await?;
        let agents = self.agent_people(&mut agent_ids).await?;
        let mut sources: HashMap<i64, SearchSource> = HashMap::with_capacity(tickets.len());
        for ticket in tickets {
            let (name, addresses) = customers
                .get(&ticket.customer_id.0)
                .cloned()
                .unwrap_or_default();
            let due_at = due.get(&ticket.id.0).copied();
            sources.insert(
                ticket.id.0,
                SearchSource {
                    ticket,
                    customer_name: name,
                    customer_addresses: addresses,
                    messages: Vec::new(),
                    attachments: Vec::new(),
                    note_attachments: Vec::new(),
                    due_at,
                },
            );
        }
        for row in &messages {
            let ticket_id: i64 = row.try_get("ticket_id")?;
            let Some(source) = sources.get_mut(&ticket_id) else {
                continue;
            };
            let author_kind: AuthorKind =
                crate::rows::parse(&row.try_get::<String, _>("author_kind")?)?;
            let author = row.try_get::<Option<i64>, _>("author_id")?;
            let (author_name, author_address) = match (author_kind, author) {
                (AuthorKind::Agent, Some(id)) => agents.get(&id).cloned().unwrap_or_default(),
                (AuthorKind::Customer, Some(id)) => customers
                    .get(&id)
                    .map(|(n, a)| (n.clone(), a.first().cloned()))
                    .unwrap_or_default(),
                _ => (String::new(), None),
            };
            source.messages.push(SourceMessage {
                kind: crate::rows::parse(&row.try_get::<String, _>("kind")?)?,
                author_kind,
                author_name,
                author_address,
                text: row.try_get("body_text")?,
            });
        }
        for row in &attachments {
            let ticket_id: Option<i64> = row.try_get("ticket_id")?;
            if let Some(source) = ticket_id.and_then(|t| sources.get_mut(&t)) {
                let kind: Option<String> = row.try_get("kind")?;
                let internal = match kind {
                    Some(kind) => {
                        crate::rows::parse::<MessageKind>(&kind)? == MessageKind::Internal
                    }
                    None => false,
                };
                let names = if internal {
                    &mut source.note_attachments
                } else {
                    &mut source.attachments
                };
                names.push(row.try_get("file_name")?);
            }
        }
        let mut out: Vec<SearchSource> = sources.into_values().collect();
        out.sort_unstable_by_key(|s| s.ticket.id.0);
        Ok(out)
    }

    /// Customers' names and identity values by id.
    async fn customer_people(
        &self,
        ids: &mut Vec<i64>,
    ) -> Result<HashMap<i64, (String, Vec<String>)>, StoreError> {
        ids.sort_unstable();
        ids.dedup();
        let mut out = HashMap::with_capacity(ids.len());
        if ids.is_empty() {
            return Ok(out);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        for row in sqlx::query(AssertSqlSafe(format!(
            "SELECT id, name FROM customers WHERE id IN ({list})"
        )))
        .fetch_all(&self.read)
        .await?
        {
            out.insert(
                row.try_get::<i64, _>("id")?,
                (row.try_get("name")?, Vec::new()),
            );
        }
        for row in sqlx::query(AssertSqlSafe(format!(
            "SELECT customer_id AS owner, value FROM customer_identities WHERE customer_id IN ({list}) ORDER BY id"
        )))
        .fetch_all(&self.read)
        .await?
        {
            if let Some(entry) = out.get_mut(&row.try_get::<i64, _>("owner")?) {
                entry.1.push(row.try_get("value")?);
            }
        }
        Ok(out)
    }

    /// Agents' names and addresses by id.
    async fn agent_people(
        &self,
        ids: &mut Vec<i64>,
    ) -> Result<HashMap<i64, (String, Option<String>)>, StoreError> {
        ids.sort_unstable();
        ids.dedup();
        let mut out = HashMap::with_capacity(ids.len());
        if ids.is_empty() {
            return Ok(out);
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        for row in sqlx::query(AssertSqlSafe(format!(
            "SELECT id, name, email FROM agents WHERE id IN ({list})"
        )))
        .fetch_all(&self.read)
        .await?
        {
            out.insert(
                row.try_get::<i64, _>("id")?,
                (row.try_get("name")?, Some(row.try_get("email")?)),
            );
        }
        Ok(out)
    }
}
