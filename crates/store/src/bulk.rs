//! Bulk loading for the data generator: many tickets, messages and events in
//! few statements. Ids are chosen by the caller (from [`Store::next_ids`]) so
//! a ticket, its messages and its events can be written in one batch.

use crate::customers::fold;
use crate::rows::{closure_json, duplicate_of, tags_json};
use crate::tickets::{MessageRecord, actor_columns};
use crate::{Backend, Store, StoreError};
use rapport_core::{Event, Ticket};
use sqlx::{AnyConnection, AssertSqlSafe};

/// Rows per INSERT statement on PostgreSQL: large enough to amortise the
/// round trip, small enough that preparing the statement stays cheap.
const ROWS_PER_STATEMENT: usize = 200;

/// Rows of `width` values per INSERT statement. SQLite looks each `$N`
/// parameter up by name, so binding a statement is quadratic in its
/// parameters: it gets at most [`crate::reports::INSERT_VALUES`] values a
/// statement, as the report rebuild does.
fn rows_per_statement(backend: Backend, width: usize) -> usize {
    match backend {
        Backend::Sqlite => crate::reports::insert_rows(width),
        Backend::Postgres => ROWS_PER_STATEMENT,
    }
}

/// One generated ticket with everything that belongs to it.
#[derive(Debug, Clone)]
pub struct BulkTicket {
    /// The ticket's final state.
    pub ticket: Ticket,
    /// Its messages.
    pub messages: Vec<MessageRecord>,
    /// Its events, which replay to `ticket`.
    pub events: Vec<Event>,
}

/// The next free ids, for callers that assign ids themselves.
#[derive(Debug, Clone, Copy)]
pub struct NextIds {
    /// Next ticket id.
    pub ticket: i64,
    /// Next message id.
    pub message: i64,
    /// Next event id.
    pub event: i64,
}

enum Value<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<String>),
    Owned(String),
}

async fn insert_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    head: &str,
    width: usize,
    rows: Vec<Vec<Value<'_>>>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(rows_per_statement(backend, width)) {
        let mut sql = String::with_capacity(head.len() + chunk.len() * width * 6);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for j in 0..width {
                n += 1;
                if j > 0 {
                    sql.push(',');
                }
                sql.push('$');
                sql.push_str(&n.to_string());
            }
            sql.push(')');
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            for value in row {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::OptInt(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.to_string()),
                    Value::OptText(v) => query.bind(v.clone()),
                    Value::Owned(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

impl Store {
    /// The next free ticket, message and event ids.
    pub async fn next_ids(&self) -> Result<NextIds, StoreError> {
        let max = |table: &'static str| {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            let pool = self.write.clone();
            async move {
                let max: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
                    .fetch_one(&pool)
                    .await?;
                Ok::<i64, StoreError>(max + 1)
            }
        };
        Ok(NextIds {
            ticket: max("tickets").await?,
            message: max("messages").await?,
            event: max("events").await?,
        })
    }

    /// Writes a batch of generated tickets in one transaction.
    pub async fn bulk_insert(&self, batch: &[BulkTicket]) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let tickets = batch
            .iter()
            .map(|b| {
                let t = &b.ticket;
                vec![
                    Value::Int(t.id.0),
                    Value::Text(&t.subject),
                    Value::Text(t.status.as_str()),
                    Value::Text(t.priority.as_str()),
                    Value::Text(t.channel.as_str()),
                    Value::Int(t.customer_id.0),
                    Value::OptInt(t.team_id.map(|x| x.0)),
                    Value::OptInt(t.owner_id.map(|x| x.0)),
                    Value::Owned(tags_json(&t.tags)),
                    Value::Int(t.transfer_count),
                    Value::Int(i64::from(t.has_public_reply)),
                    Value::OptText(closure_json(&t.closure)),
                    Value::OptInt(duplicate_of(&t.closure)),
                    Value::Int(t.created_at.0),
                    Value::Int(t.updated_at.0),
                    Value::Int(t.version),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO tickets (id, subject, status, priority, channel, customer_id, team_id, owner_id, tags, \
             transfer_count, has_public_reply, closure, duplicate_of, created_at, updated_at, version)",
            16,
            tickets,
        )
        .await?;
        let messages = batch
            .iter()
            .flat_map(|b| &b.messages)
            .map(|m| {
                vec![
                    Value::Int(m.id.0),
                    Value::Int(m.ticket_id.0),
                    Value::Text(m.kind.as_str()),
                    Value::Text(m.author_kind.as_str()),
                    Value::OptInt(m.author_id),
                    Value::Text(&m.body_text),
                    Value::OptText(m.body_html.clone()),
                    Value::Int(m.created_at.0),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO messages (id, ticket_id, kind, author_kind, author_id, body_text, body_html, created_at)",
            8,
            messages,
        )
        .await?;
        let mut events = Vec::new();
        for e in batch.iter().flat_map(|b| &b.events) {
            let (actor_kind, actor_id) = actor_columns(e.actor);
            let data =
                serde_json::to_string(&e.kind).map_err(|x| StoreError::Corrupt(x.to_string()))?;
            events.push(vec![
                Value::Int(e.id.0),
                Value::Int(e.ticket_id.0),
                Value::Text(actor_kind),
                Value::OptInt(actor_id),
                Value::Text(e.kind.name()),
                Value::Owned(data),
                Value::Int(e.at.0),
            ]);
        }
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO events (id, ticket_id, actor_kind, actor_id, type, data, at)",
            7,
            events,
        )
        .await?;
        let teams = crate::team_removal::teams_transfers_name(
            batch.iter().flat_map(|b| &b.events).map(|e| &e.kind),
        );
        crate::team_removal::record_transfer_teams(&mut tx, &teams).await?;
        let tags = batch
            .iter()
            .flat_map(|b| {
                b.ticket
                    .tags
                    .iter()
                    .map(|tag| (tag, b.ticket.id, b.ticket.updated_at))
            })
            .map(|(tag, id, at)| vec![Value::Text(tag), Value::Int(id.0), Value::Int(at.0)])
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO ticket_tags (tag, ticket_id, updated_at)",
            3,
            tags,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// After bulk loading: moves PostgreSQL's identity sequences past the
    /// explicit ids (SQLite's AUTOINCREMENT follows by itself) and refreshes
    /// the planner's statistics, so list queries keep using their indexes.
    pub async fn finish_bulk(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE").execute(&self.write).await?;
        if self.backend == Backend::Postgres {
            for table in [
                "tickets",
                "messages",
                "events",
                "customers",
                "customer_identities",
            ] {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                );
                sqlx::query(AssertSqlSafe(sql)).execute(&self.write).await?;
            }
        }
        Ok(())
    }
}

/// A generated customer with one e-mail identity.
#[derive(Debug, Clone)]
pub struct BulkCustomer {
    /// Explicit id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Normalised e-mail address.
    pub email: String,
    /// Creation instant.
    pub created_at: i64,
}

impl Store {
    /// Writes generated customers and their e-mail identities in one transaction.
    pub async fn bulk_customers(&self, customers: &[BulkCustomer]) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        let rows = customers
            .iter()
            .map(|c| {
                vec![
                    Value::Int(c.id),
                    Value::Text(&c.name),
                    Value::Owned(fold(&c.name)),
                    Value::Int(c.created_at),
                    Value::Int(c.created_at),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO customers (id, name, name_folded, created_at, updated_at)",
            5,
            rows,
        )
        .await?;
        let rows = customers
            .iter()
            .flat_map(|c| {
                crate::customer_words::words(&c.name)
                    .into_iter()
                    .map(|w| vec![Value::Owned(w), Value::Int(c.id)])
            })
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO customer_name_words (word, customer_id)",
            2,
            rows,
        )
        .await?;
        let rows = customers
            .iter()
            .map(|c| {
                vec![
                    Value::Int(c.id),
                    Value::Text("email"),
                    Value::Text(&c.email),
                ]
            })
            .collect();
        insert_rows(
            &mut tx,
            self.backend,
            "INSERT INTO customer_identities (customer_id, kind, value)",
            3,
            rows,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The next free customer id.
    pub async fn next_customer_id(&self) -> Result<i64, StoreError> {
        let max: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM customers")
            .fetch_one(&self.write)
            .await?;
        Ok(max + 1)
    }
}
