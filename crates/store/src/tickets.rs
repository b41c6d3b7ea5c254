//! Tickets, their messages and events: created, changed and listed.

use crate::clocks;
use crate::report_cells::Delta;
use crate::rows::{
    TICKET_COLUMNS, closure_json, duplicate_of, parse, select_ticket, tags_json, ticket, value_rows,
};
use crate::{Backend, Store, StoreError};
use rapport_core::sla::SlaRules;
use rapport_core::{
    Actor, AgentId, AuthorKind, Channel, CustomerId, Event, EventId, EventKind, MessageId,
    MessageKind, Priority, Status, TeamId, Ticket, TicketId, Timestamp, apply,
};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// A message to store with a ticket change.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Public or internal.
    pub kind: MessageKind,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The agent's or customer's id.
    pub author_id: Option<i64>,
    /// The agent who entered it for its author (a customer's phone call).
    pub entered_by: Option<AgentId>,
    /// The text.
    pub body_text: String,
    /// Sanitized HTML, when the message had some.
    pub body_html: Option<String>,
}

impl NewMessage {
    /// A customer's own public words, as plain text.
    pub fn from_customer(customer: CustomerId, text: String) -> NewMessage {
        NewMessage {
            kind: MessageKind::Public,
            author_kind: AuthorKind::Customer,
            author_id: Some(customer.0),
            entered_by: None,
            body_text: text,
            body_html: None,
        }
    }
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its id.
    pub id: MessageId,
    /// Its ticket.
    pub ticket_id: TicketId,
    /// Public or internal.
    pub kind: MessageKind,
    /// Who wrote it.
    pub author_kind: AuthorKind,
    /// The agent's or customer's id.
    pub author_id: Option<i64>,
    /// The agent who entered it for its author (a customer's phone call).
    pub entered_by: Option<AgentId>,
    /// The text.
    pub body_text: String,
    /// Sanitized HTML.
    pub body_html: Option<String>,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// A ticket after a change, with what the change wrote.
#[derive(Debug, Clone)]
pub struct TicketChange {
    /// The ticket as it is now.
    pub ticket: Ticket,
    /// The events the change appended.
    pub events: Vec<Event>,
    /// The message stored with the change, if any.
    pub message: Option<MessageRecord>,
    /// The response-target clocks, when the change planned them.
    pub clocks: Option<rapport_core::sla::ClockPlan>,
}

/// How a ticket list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TicketSort {
    /// Most recently changed first (the default).
    #[default]
    UpdatedDesc,
    /// Least recently changed first (oldest waiting first).
    UpdatedAsc,
    /// Newest first.
    CreatedDesc,
    /// Oldest first.
    CreatedAsc,
    /// Soonest response-target due time first (tickets with a running clock only).
    DueAsc,
}

/// Which tickets to list, and from where.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    /// Any of these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// `Some(None)` lists unowned tickets.
    pub owner: Option<Option<AgentId>>,
    /// In this team's queue.
    pub team_id: Option<TeamId>,
    /// In any of these teams' queues (empty: no such condition).
    pub team_ids: Vec<TeamId>,
    /// From this customer.
    pub customer_id: Option<CustomerId>,
    /// Of this priority.
    pub priority: Option<Priority>,
    /// Come in through this channel.
    pub channel: Option<Channel>,
    /// Carrying this tag (in its stored form).
    pub tag: Option<String>,
    /// Changed at or after this instant.
    pub updated_since: Option<Timestamp>,
    /// A running response-target clock falls due at or before this instant
    /// (now: breached; now plus a window: due soon).
    pub due_before: Option<Timestamp>,
    /// ... and after this instant (due soon, not yet breached).
    pub due_after: Option<Timestamp>,
    /// Order.
    pub sort: TicketSort,
    /// Keyset cursor: the (sort key, id) of the last row already seen.
    pub after: Option<(i64, i64)>,
    /// Page size.
    pub limit: i64,
}

enum Bind {
    Int(i64),
    Text(String),
}

impl Store {
    /// Creates a ticket, its `Created` event and (optionally) its first
    /// message, atomically; concurrent creations share a transaction (group commit).
    pub async fn create_ticket(
        &self,
        opening: rapport_core::Opening,
        actor: Actor,
        first_message: Option<NewMessage>,
    ) -> Result<TicketChange, StoreError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = crate::intake::CreateJob {
            opening,
            actor,
            first: first_message,
            reply,
        };
        self.creates
            .send(job)
            .await
            .map_err(|_| StoreError::Corrupt("the ticket writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Corrupt("the ticket writer has stopped".into()))?
    }

    /// Reads one ticket.
    pub async fn ticket(&self, id: TicketId) -> Result<Ticket, StoreError> {
        select_ticket(&self.read, id, "")
            .await?
            .ok_or(StoreError::NotFound("ticket"))
    }

    /// Changes a ticket in one transaction: locks it, stores the message (if
    /// any), asks `decide` for the events, applies them and appends them.
    /// When `decide` refuses, nothing is written.
    pub async fn change_ticket<E, F>(
        &self,
        id: TicketId,
        actor: Actor,
        message: Option<NewMessage>,
        decide: F,
    ) -> Result<TicketChange, E>
    where
        E: From<StoreError>,
        F: FnOnce(&Ticket, Option<MessageId>) -> Result<Vec<EventKind>, E>,
    {
        let mut tx = self.begin_write().await?;
        let change = tx.change_ticket(id, actor, message, decide).await?;
        tx.commit().await?;
        Ok(change)
    }

    /// Lists tickets by filter, in keyset pages.
    pub async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<Ticket>, StoreError> {
        Ok(self
            .list_tickets_due(filter)
            .await?
            .into_iter()
            .map(|(t, _)| t)
            .collect())
    }

    /// Lists tickets by filter, each with the earliest due time of its
    /// running response-target clocks.
    pub async fn list_tickets_due(
        &self,
        filter: &TicketFilter,
    ) -> Result<Vec<(Ticket, Option<Timestamp>)>, StoreError> {
        let (sql, binds) = list_statement(filter);
        bound(sqlx::query(AssertSqlSafe(sql)), binds)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| {
                let due: Option<i64> = row.try_get("sla_due_at")?;
                Ok((ticket(row)?, due.map(Timestamp)))
            })
            .collect()
    }

    /// How the database would run [`Store::list_tickets_due`] for this
    /// filter, one line a step: SQLite's `EXPLAIN QUERY PLAN` details or
    /// PostgreSQL's `EXPLAIN` (tests check that a view reads an index).
    pub async fn list_tickets_plan(
        &self,
        filter: &TicketFilter,
    ) -> Result<Vec<String>, StoreError> {
        let (sql, binds) = list_statement(filter);
        let (sql, column) = match self.backend {
            Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {sql}"), "detail"),
            Backend::Postgres => (format!("EXPLAIN {sql}"), "QUERY PLAN"),
        };
        bound(sqlx::query(AssertSqlSafe(sql)), binds)
            .fetch_all(&self.read)
            .await?
            .iter()
            .map(|row| Ok(row.try_get::<String, _>(column)?))
            .collect()
    }

    /// A ticket's messages, oldest first (at most 5,000).
    pub async fn messages(&self, id: TicketId) -> Result<Vec<MessageRecord>, StoreError> {
        self.messages_after(id, None, 5000).await
    }

    /// A page of a ticket's messages, oldest first, after the message `after`.
    pub async fn messages_after(
        &self,
        id: TicketId,
        after: Option<MessageId>,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket_id, kind, author_kind, author_id, entered_by, body_text, body_html, created_at \
             FROM messages WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(id.0)
        .bind(after.map_or(0, |m| m.0))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(message_record).collect()
    }

    /// The newest `limit` messages of a ticket before the message `before`
    /// (the newest of all without it), oldest first; only the public ones
    /// with `public_only` (what a customer may read).
    pub async fn messages_before(
        &self,
        id: TicketId,
        before: Option<MessageId>,
        limit: i64,
        public_only: bool,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let public = if public_only {
            " AND kind = 'public'"
        } else {
            ""
        };
        let sql = format!(
            "SELECT id, ticket_id, kind, author_kind, author_id, entered_by, body_text, body_html, created_at \
             FROM messages WHERE ticket_id = $1 AND id < $2{public} ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .bind(before.map_or(i64::MAX, |m| m.0))
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.read)
            .await?;
        newest_first_reversed(&rows)
    }

    /// The newest `limit` public messages of a ticket, oldest first, without
    /// their HTML: what the reply coach reads (bounded however long the
    /// conversation is).
    pub async fn latest_public_messages(
        &self,
        id: TicketId,
        limit: i64,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket_id, kind, author_kind, author_id, entered_by, body_text, \
             CAST(NULL AS TEXT) AS body_html, created_at \
             FROM messages WHERE ticket_id = $1 AND kind = 'public' ORDER BY id DESC LIMIT $2",
        )
        .bind(id.0)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.read)
        .await?;
        newest_first_reversed(&rows)
    }

    /// A ticket's events, oldest first, after an event id.
    pub async fn events(
        &self,
        id: TicketId,
        after: Option<EventId>,
        limit: i64,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events \
             WHERE ticket_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(id.0)
        .bind(after.map_or(0, |e| e.0))
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(event).collect()
    }
    /// Events of every ticket after the event `after`, oldest first: the
    /// feed that live pages poll (the primary key's order, so it is cheap).
    pub async fn events_since(&self, after: EventId, limit: i64) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.0)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(event).collect()
    }

    /// The events among `ids` that exist now (gaps that have since committed), in id order.
    pub async fn events_in(&self, ids: &[EventId]) -> Result<Vec<Event>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The ids are integers, so listing them inline is safe.
        let list = ids
            .iter()
            .map(|e| e.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events \
             WHERE id IN ({list}) ORDER BY id"
        )))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(event).collect()
    }

    /// The newest event's id (0 when there is none).
    pub async fn last_event_id(&self) -> Result<EventId, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(&self.read)
            .await?;
        Ok(EventId(id.unwrap_or(0)))
    }

    /// How many tickets match the filter (its statuses, owner, team,
    /// customer), counting no further than `cap`: the count walks the same
    /// index as the list, and stops there, so it stays fast at any size.
    pub async fn count_tickets(&self, filter: &TicketFilter, cap: i64) -> Result<i64, StoreError> {
        let (clauses, mut binds) = filter_clauses(filter, Vec::new(), true);
        binds.push(Bind::Int(cap.max(1)));
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM tickets{filter_sql} LIMIT ${}) AS capped",
            binds.len()
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        Ok(query.fetch_one(&self.read).await?.try_get("n")?)
    }
}

/// The statement [`Store::list_tickets_due`] runs for a filter, and its values.
///
/// Narrowed by a tag and sorted by last change, it reads the tag's rows in
/// `ticket_tags` newest changed first (they carry the ticket's `updated_at`)
/// and joins each ticket by key, so a page stops after its rows however
/// many tickets carry the tag; otherwise it reads `tickets` alone.
fn list_statement(filter: &TicketFilter) -> (String, Vec<Bind>) {
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let by_updated = matches!(
        filter.sort,
        TicketSort::UpdatedDesc | TicketSort::UpdatedAsc
    );
    let mut binds = Vec::new();
    let joined = filter.tag.as_ref().filter(|_| by_updated);
    let (from, key_column, id_column) = match joined {
        Some(tag) => {
            let p = next(Bind::Text(tag.clone()), &mut binds);
            (
                format!(
                    "(SELECT ticket_id, updated_at AS tag_updated FROM ticket_tags WHERE tag = {p}) AS tt \
                     JOIN tickets ON tickets.id = tt.ticket_id"
                ),
                "tt.tag_updated",
                "tt.ticket_id",
            )
        }
        None => ("tickets".to_string(), "updated_at", "id"),
    };
    let (mut clauses, mut binds) = filter_clauses(filter, binds, joined.is_none());
    let (order, cursor_op, key_column) = match filter.sort {
        TicketSort::UpdatedDesc => (
            format!("{key_column} DESC, {id_column} DESC"),
            "<",
            Some(key_column),
        ),
        TicketSort::UpdatedAsc => (
            format!("{key_column} ASC, {id_column} ASC"),
            ">",
            Some(key_column),
        ),
        TicketSort::CreatedDesc => ("id DESC".to_string(), "<", None),
        TicketSort::CreatedAsc => ("id ASC".to_string(), ">", None),
        TicketSort::DueAsc => (
            "sla_due_at ASC, id ASC".to_string(),
            ">",
            Some("sla_due_at"),
        ),
    };
    if filter.sort == TicketSort::DueAsc {
        clauses.push("sla_due_at IS NOT NULL".into());
    }
    if let Some((key, id)) = filter.after {
        if let Some(column) = key_column {
            let k = next(Bind::Int(key), &mut binds);
            let i = next(Bind::Int(id), &mut binds);
            clauses.push(format!("({column}, {id_column}) {cursor_op} ({k}, {i})"));
        } else {
            let i = next(Bind::Int(id), &mut binds);
            clauses.push(format!("id {cursor_op} {i}"));
        }
    }
    let limit = next(Bind::Int(filter.limit.clamp(1, 500)), &mut binds);
    let filter_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let sql = format!(
        "SELECT {TICKET_COLUMNS}, sla_due_at FROM {from}{filter_sql} ORDER BY {order} LIMIT {limit}"
    );
    (sql, binds)
}

/// A query with these values bound, in order.
fn bound(
    mut query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bind>,
) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments> {
    for bind in binds {
        query = match bind {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    query
}

/// The WHERE clauses of a filter (without its cursor) and their values,
/// numbered after `binds`; the tag's clause only with `tag_clause` (a
/// statement that joins the tag's rows has none).
fn filter_clauses(
    filter: &TicketFilter,
    mut binds: Vec<Bind>,
    tag_clause: bool,
) -> (Vec<String>, Vec<Bind>) {
    let mut clauses = Vec::new();
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    if !filter.statuses.is_empty() {
        let list: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| next(Bind::Text(s.as_str().into()), &mut binds))
            .collect();
        clauses.push(format!("status IN ({})", list.join(", ")));
    }
    match filter.owner {
        Some(Some(agent)) => {
            let p = next(Bind::Int(agent.0), &mut binds);
            clauses.push(format!("owner_id = {p}"));
        }
        Some(None) => clauses.push("owner_id IS NULL".into()),
        None => {}
    }
    if let Some(team) = filter.team_id {
        let p = next(Bind::Int(team.0), &mut binds);
        clauses.push(format!("team_id = {p}"));
    }
    if !filter.team_ids.is_empty() {
        let list: Vec<String> = filter
            .team_ids
            .iter()
            .map(|team| next(Bind::Int(team.0), &mut binds))
            .collect();
        clauses.push(format!("team_id IN ({})", list.join(", ")));
    }
    if let Some(customer) = filter.customer_id {
        let p = next(Bind::Int(customer.0), &mut binds);
        clauses.push(format!("customer_id = {p}"));
    }
    if let Some(priority) = filter.priority {
        let p = next(Bind::Text(priority.as_str().into()), &mut binds);
        clauses.push(format!("priority = {p}"));
    }
    if let Some(channel) = filter.channel {
        let p = next(Bind::Text(channel.as_str().into()), &mut binds);
        clauses.push(format!("channel = {p}"));
    }
    if let Some(tag) = filter.tag.as_ref().filter(|_| tag_clause) {
        let p = next(Bind::Text(tag.clone()), &mut binds);
        clauses.push(format!(
            "id IN (SELECT ticket_id FROM ticket_tags WHERE tag = {p})"
        ));
    }
    if let Some(since) = filter.updated_since {
        let p = next(Bind::Int(since.0), &mut binds);
        clauses.push(format!("updated_at >= {p}"));
    }
    if let Some(before) = filter.due_before {
        let p = next(Bind::Int(before.0), &mut binds);
        clauses.push(format!("sla_due_at <= {p}"));
    }
    if let Some(after) = filter.due_after {
        let p = next(Bind::Int(after.0), &mut binds);
        clauses.push(format!("sla_due_at > {p}"));
    }
    (clauses, binds)
}

pub(crate) fn event(row: &sqlx::any::AnyRow) -> Result<Event, StoreError> {
    let data: String = row.try_get("data")?;
    let actor_kind: String = row.try_get("actor_kind")?;
    let actor_id: Option<i64> = row.try_get("actor_id")?;
    let actor = match (actor_kind.as_str(), actor_id) {
        ("agent", Some(id)) => Actor::Agent(AgentId(id)),
        ("customer", Some(id)) => Actor::Customer(CustomerId(id)),
        ("system", _) => Actor::System,
        (other, _) => return Err(StoreError::Corrupt(format!("unknown actor {other:?}"))),
    };
    Ok(Event {
        id: EventId(row.try_get("id")?),
        ticket_id: TicketId(row.try_get("ticket_id")?),
        actor,
        at: Timestamp(row.try_get("at")?),
        kind: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// The stored (kind, id) of an actor.
pub(crate) fn actor_columns(actor: Actor) -> (&'static str, Option<i64>) {
    match actor {
        Actor::Agent(a) => ("agent", Some(a.0)),
        Actor::Customer(c) => ("customer", Some(c.0)),
        Actor::System => ("system", None),
    }
}

/// Changes a ticket already read (and locked) in this transaction.
pub(crate) async fn change_locked<E, F>(
    conn: &mut AnyConnection,
    mut current: Ticket,
    actor: Actor,
    message: Option<NewMessage>,
    rules: Option<&SlaRules>,
    cells: &mut Delta,
    decide: F,
) -> Result<TicketChange, E>
where
    E: From<StoreError>,
    F: FnOnce(&Ticket, Option<MessageId>) -> Result<Vec<EventKind>, E>,
{
    let id = current.id;
    let now = Timestamp::now().max(current.updated_at);
    let message = match message {
        Some(m) => Some(insert_message(conn, id, &m, now).await?),
        None => None,
    };
    let kinds = decide(&current, message.as_ref().map(|m| m.id))?;
    let (events, clocks) = append(conn, &mut current, actor, now, kinds, rules, cells).await?;
    Ok(TicketChange {
        ticket: current,
        events,
        message,
        clocks,
    })
}

/// Creates a ticket inside an open transaction in three statements: the
/// ticket row in the state the use case decided, the first message, and
/// every event in one multi-row insert. Nothing is decided here.
pub(crate) async fn create_in(
    conn: &mut AnyConnection,
    opening: &rapport_core::Opening,
    actor: Actor,
    first_message: Option<&NewMessage>,
    rules: Option<&SlaRules>,
    cells: &mut Delta,
) -> Result<TicketChange, StoreError> {
    let mut ticket = opening.ticket.clone();
    if let Some(team) = ticket.team_id {
        hold_open_team(conn, team).await?;
    }
    // The clocks are planned before the row exists (they need no id), so
    // their columns go into the insert and their events into the one below.
    let mut kinds = opening.events(None);
    let clocks = rules.map(|rules| {
        let events = clocks::unsaved(&ticket, ticket.created_at, &kinds);
        rules.plan(&ticket, &events, 0, ticket.created_at)
    });
    if let Some(plan) = &clocks {
        let created = ticket.created_at;
        for transition in &plan.transitions {
            apply(&mut ticket, created, transition);
        }
    }
    let columns = clocks::Columns::of(clocks.as_ref(), ticket.created_at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (subject, status, priority, channel, customer_id, team_id, owner_id, tags, \
         transfer_count, has_public_reply, closure, duplicate_of, created_at, updated_at, version, \
         sla_policy_id, sla_due_at, sla_alert_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(&ticket.subject)
    .bind(ticket.status.as_str())
    .bind(ticket.priority.as_str())
    .bind(ticket.channel.as_str())
    .bind(ticket.customer_id.0)
    .bind(ticket.team_id.map(|t| t.0))
    .bind(ticket.owner_id.map(|a| a.0))
    .bind(tags_json(&ticket.tags))
    .bind(ticket.transfer_count)
    .bind(i64::from(ticket.has_public_reply))
    .bind(ticket.created_at.0)
    .bind(ticket.updated_at.0)
    .bind(ticket.version)
    .bind(columns.policy_id)
    .bind(columns.due_at)
    .bind(columns.alert_at)
    .fetch_one(&mut *conn)
    .await?;
    ticket.id = TicketId(id);
    if !ticket.tags.is_empty() {
        crate::ticket_tags::write(conn, ticket.id, &ticket.tags, ticket.updated_at).await?;
    }
    let message = match first_message {
        Some(m) => Some(insert_message(conn, ticket.id, m, ticket.created_at).await?),
        None => None,
    };
    if message.is_some() {
        kinds = opening.events(message.as_ref().map(|m| m.id));
    }
    if let Some(plan) = &clocks {
        kinds.extend(plan.transitions.iter().cloned());
    }
    let events = insert_events(conn, ticket.id, actor, ticket.created_at, &kinds).await?;
    if let Some(rules) = rules {
        crate::reports::project(conn, &ticket, &events, rules, cells).await?;
    }
    crate::search_feed::ticket_changed(conn, ticket.id).await?;
    Ok(TicketChange {
        ticket,
        events,
        message,
        clocks,
    })
}

/// Holds a new ticket's team until the transaction ends (shared, on
/// PostgreSQL), so a deletion of the team serializes with the creation;
/// a team that is gone or archived is `NotFound("team")`.
async fn hold_open_team(conn: &mut AnyConnection, team: TeamId) -> Result<(), StoreError> {
    let lock = if conn.backend_name() == "PostgreSQL" {
        " FOR SHARE"
    } else {
        ""
    };
    let archived: Option<Option<i64>> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT archived_at FROM teams WHERE id = $1{lock}"
    )))
    .bind(team.0)
    .fetch_optional(&mut *conn)
    .await?;
    match archived {
        Some(None) => Ok(()),
        _ => Err(StoreError::NotFound("team")),
    }
}

/// Appends events in one statement; returns them with their ids.
pub(crate) async fn insert_events(
    conn: &mut AnyConnection,
    ticket_id: TicketId,
    actor: Actor,
    at: Timestamp,
    kinds: &[EventKind],
) -> Result<Vec<Event>, StoreError> {
    let (actor_kind, actor_id) = actor_columns(actor);
    let sql = format!(
        "INSERT INTO events (ticket_id, actor_kind, actor_id, type, data, at) VALUES {} RETURNING id",
        value_rows(kinds.len(), 6)
    );
    let mut query = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
    for kind in kinds {
        let data = serde_json::to_string(kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        query = query
            .bind(ticket_id.0)
            .bind(actor_kind)
            .bind(actor_id)
            .bind(kind.name())
            .bind(data)
            .bind(at.0);
    }
    let mut ids = query.fetch_all(&mut *conn).await?;
    crate::team_removal::record_transfer_teams(
        conn,
        &crate::team_removal::teams_transfers_name(kinds),
    )
    .await?;
    // RETURNING gives no order guarantee; ids grow in insertion order within a statement.
    ids.sort_unstable();
    if ids.len() != kinds.len() {
        return Err(StoreError::Corrupt(
            "event insert returned the wrong number of ids".into(),
        ));
    }
    Ok(ids
        .into_iter()
        .zip(kinds)
        .map(|(id, kind)| Event {
            id: EventId(id),
            ticket_id,
            actor,
            at,
            kind: kind.clone(),
        })
        .collect())
}

/// Stores a message.
pub(crate) async fn insert_message(
    conn: &mut AnyConnection,
    ticket_id: TicketId,
    m: &NewMessage,
    now: Timestamp,
) -> Result<MessageRecord, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (ticket_id, kind, author_kind, author_id, entered_by, body_text, body_html, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(ticket_id.0)
    .bind(m.kind.as_str())
    .bind(m.author_kind.as_str())
    .bind(m.author_id)
    .bind(m.entered_by.map(|a| a.0))
    .bind(&m.body_text)
    .bind(&m.body_html)
    .bind(now.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(MessageRecord {
        id: MessageId(id),
        ticket_id,
        kind: m.kind,
        author_kind: m.author_kind,
        author_id: m.author_id,
        entered_by: m.entered_by,
        body_text: m.body_text.clone(),
        body_html: m.body_html.clone(),
        created_at: now,
    })
}

/// Applies events to the ticket, appends them, and writes the ticket row.
async fn append(
    conn: &mut AnyConnection,
    ticket: &mut Ticket,
    actor: Actor,
    now: Timestamp,
    mut kinds: Vec<EventKind>,
    rules: Option<&SlaRules>,
    cells: &mut Delta,
) -> Result<(Vec<Event>, Option<rapport_core::sla::ClockPlan>), StoreError> {
    let previous_version = ticket.version;
    let previous_tags = ticket.tags.clone();
    for kind in &kinds {
        apply(ticket, now, kind);
    }
    // The log before this change, when the clocks read it: the reports'
    // fold below adds the new events to it rather than read it again.
    let mut before = None;
    let clocks = match rules {
        Some(rules) if kinds.iter().any(SlaRules::is_relevant) => {
            let mut history = clocks::history(conn, ticket.id).await?;
            let new_from = history.len();
            history.extend(clocks::unsaved(ticket, now, &kinds));
            let plan = rules.plan(ticket, &history, new_from, now);
            history.truncate(new_from);
            before = Some(history);
            for transition in &plan.transitions {
                apply(ticket, now, transition);
            }
            kinds.extend(plan.transitions.iter().cloned());
            Some(plan)
        }
        _ => None,
    };
    let events = insert_events(conn, ticket.id, actor, now, &kinds).await?;
    let sla_sql = if clocks.is_some() {
        ", sla_policy_id = $15, sla_due_at = $16, sla_alert_at = $17"
    } else {
        ""
    };
    let columns = clocks::Columns::of(clocks.as_ref(), now);
    let sql = format!(
        "UPDATE tickets SET subject = $1, status = $2, priority = $3, team_id = $4, owner_id = $5, tags = $6, \
         transfer_count = $7, has_public_reply = $8, closure = $9, duplicate_of = $10, updated_at = $11, version = $12{sla_sql} \
         WHERE id = $13 AND version = $14"
    );
    let mut update = sqlx::query(AssertSqlSafe(sql))
        .bind(&ticket.subject)
        .bind(ticket.status.as_str())
        .bind(ticket.priority.as_str())
        .bind(ticket.team_id.map(|t| t.0))
        .bind(ticket.owner_id.map(|a| a.0))
        .bind(tags_json(&ticket.tags))
        .bind(ticket.transfer_count)
        .bind(i64::from(ticket.has_public_reply))
        .bind(closure_json(&ticket.closure))
        .bind(duplicate_of(&ticket.closure))
        .bind(ticket.updated_at.0)
        .bind(ticket.version)
        .bind(ticket.id.0)
        .bind(previous_version);
    if clocks.is_some() {
        update = update
            .bind(columns.policy_id)
            .bind(columns.due_at)
            .bind(columns.alert_at);
    }
    let updated = update.execute(&mut *conn).await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "ticket {} changed while it was being updated",
            ticket.id
        )));
    }
    if ticket.tags != previous_tags {
        crate::ticket_tags::write(conn, ticket.id, &ticket.tags, ticket.updated_at).await?;
    } else if !ticket.tags.is_empty() {
        crate::ticket_tags::touch(conn, ticket.id, ticket.updated_at).await?;
    }
    if let Some(rules) = rules
        && kinds.iter().any(crate::reports::is_relevant)
    {
        // The whole log, the new events included: the facts are a fold.
        let history = match before {
            Some(mut history) => {
                history.extend(events.iter().cloned());
                history
            }
            None => clocks::history(conn, ticket.id).await?,
        };
        crate::reports::project(conn, ticket, &history, rules, cells).await?;
    }
    crate::search_feed::ticket_changed(conn, ticket.id).await?;
    Ok((events, clocks))
}

/// Messages read newest first (`ORDER BY id DESC LIMIT n`), oldest first.
fn newest_first_reversed(rows: &[sqlx::any::AnyRow]) -> Result<Vec<MessageRecord>, StoreError> {
    let mut messages = rows
        .iter()
        .map(message_record)
        .collect::<Result<Vec<_>, _>>()?;
    messages.reverse();
    Ok(messages)
}

/// One row of `messages` as a record.
pub(crate) fn message_record(row: &sqlx::any::AnyRow) -> Result<MessageRecord, StoreError> {
    Ok(MessageRecord {
        id: MessageId(row.try_get("id")?),
        ticket_id: TicketId(row.try_get("ticket_id")?),
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        author_kind: parse(&row.try_get::<String, _>("author_kind")?)?,
        author_id: row.try_get("author_id")?,
        entered_by: row.try_get::<Option<i64>, _>("entered_by")?.map(AgentId),
        body_text: row.try_get("body_text")?,
        body_html: row.try_get("body_html")?,
        created_at: Timestamp(row.try_get("created_at")?),
    })
}
