//! The report projections: each ticket's facts (`report_tickets`) and its
//! coach overrides (`report_overrides`), written in the transaction of every
//! ticket change, rewritten in batches by the rebuild, and read for reports.

use crate::report_cells::{Delta, Part};
use crate::rows::{TICKET_COLUMNS, parse, ticket as ticket_row, value_rows};
use crate::tickets::event;
use crate::{Store, StoreError};
use futures_util::TryStreamExt;
use rapport_core::report::figures::FactRow;
use rapport_core::report::{TicketFacts, ticket_facts, time_bucket};
use rapport_core::sla::SlaRules;
use rapport_core::{AgentId, Channel, Event, EventKind, Priority, TeamId, Ticket, TicketId};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

const FACT_COLUMNS: &str = "ticket_id, day, team_id, agent_id, customer_id, channel, priority, counted, \
     first_response_minutes, first_response_bucket, resolution_minutes, resolution_bucket, resolved, \
     one_touch, reopens, transfers, first_response_met, resolution_met, promises_made, promises_on_time, \
     promises_late, promises_broken, overrides, csat, recovery_opened, recovery_closed";
const FACT_WIDTH: usize = 26;
/// Values per multi-row insert. SQLite finds each `$N` parameter by walking
/// the statement's list of names, so binding one statement is quadratic in
/// its parameters: 500 rows of 26 made the rebuild spend three quarters of
/// its time there. A few rows per statement is fastest.
pub(crate) const INSERT_VALUES: usize = 128;

/// Rows of `width` values per multi-row insert.
pub(crate) fn insert_rows(width: usize) -> usize {
    (INSERT_VALUES / width).max(1)
}

/// The event types that never change a ticket's report facts.
const IRRELEVANT: [&str; 5] = [
    "noted",
    "customer_wrote",
    "tagged",
    "promise_reminded",
    "promise_rescheduled",
];

/// Whether an event can change a ticket's report facts.
pub(crate) fn is_relevant(kind: &EventKind) -> bool {
    !IRRELEVANT.contains(&kind.name())
}

/// A ticket's facts under the rules (its policy's calendar).
pub fn facts_of(ticket: &Ticket, events: &[Event], rules: &SlaRules) -> TicketFacts {
    let calendar = rules.calendar_of(rules.policy_for(ticket));
    let mut facts = ticket_facts(ticket, events, calendar);
    // Days are the business zone's: the default calendar's.
    facts.day = rapport_core::report::business_day(rules.calendar_of(None), ticket.created_at);
    facts
}

/// Writes one ticket's facts in the open transaction.
pub(crate) async fn project(
    conn: &mut AnyConnection,
    ticket: &Ticket,
    events: &[Event],
    rules: &SlaRules,
    cells: &mut Delta,
) -> Result<(), StoreError> {
    let facts = facts_of(ticket, events, rules);
    let old = sqlx::query(AssertSqlSafe(format!(
        "DELETE FROM report_tickets WHERE ticket_id = $1 RETURNING {ROW_COLUMNS}, counted"
    )))
    .bind(ticket.id.0)
    .fetch_optional(&mut *conn)
    .await?;
    let old_overrides = sqlx::query(
        "DELETE FROM report_overrides WHERE ticket_id = $1 \
         RETURNING day, team_id, agent_id, check_name, overridden",
    )
    .bind(ticket.id.0)
    .fetch_all(&mut *conn)
    .await?;
    insert_facts(conn, std::slice::from_ref(&facts)).await?;
    // The pre-summed cells: the ticket's old part out, its new part in,
    // written when the transaction commits (see `Delta`).
    cells.add(&Part::stored(old.as_ref(), &old_overrides)?, -1);
    cells.add(&Part::of(&facts), 1);
    Ok(())
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

async fn insert_facts(conn: &mut AnyConnection, all: &[TicketFacts]) -> Result<(), StoreError> {
    for chunk in all.chunks(insert_rows(FACT_WIDTH)) {
        let sql = format!(
            "INSERT INTO report_tickets ({FACT_COLUMNS}) VALUES {}",
            value_rows(chunk.len(), FACT_WIDTH)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for f in chunk {
            q = q
                .bind(f.ticket_id.0)
                .bind(f.day)
                .bind(f.team_id.map(|t| t.0))
                .bind(f.agent_id.map(|a| a.0))
                .bind(f.customer_id.0)
                .bind(f.channel.as_str())
                .bind(f.priority.as_str())
                .bind(flag(f.counted))
                .bind(f.first_response_minutes)
                .bind(f.first_response_minutes.map(time_bucket))
                .bind(f.resolution_minutes)
                .bind(f.resolution_minutes.map(time_bucket))
                .bind(flag(f.resolved))
                .bind(flag(f.one_touch))
                .bind(f.reopens)
                .bind(f.transfers)
                .bind(f.first_response_target.met.map(flag))
                .bind(f.resolution_target.met.map(flag))
                .bind(f.promises_made)
                .bind(f.promises_on_time)
                .bind(f.promises_late)
                .bind(f.promises_broken)
                .bind(f.overrides.len() as i64)
                .bind(f.csat)
                .bind(f.recovery_opened)
                .bind(f.recovery_closed);
        }
        q.execute(&mut *conn).await?;
    }
    // One row per check of every override (overridden 1) and every
    // reply's findings (overridden 0).
    let coach: Vec<(&TicketFacts, i64, Option<i64>, &str, i64)> = all
        .iter()
        .flat_map(|f| {
            let overrides = f.overrides.iter().map(|o| (o, 1));
            let findings = f.findings.iter().map(|o| (o, 0));
            overrides.chain(findings).flat_map(move |(o, overridden)| {
                distinct_checks(&o.checks)
                    .into_iter()
                    .map(move |c| (f, o.event_id.0, o.agent_id.map(|a| a.0), c, overridden))
            })
        })
        .collect();
    for chunk in coach.chunks(insert_rows(7)) {
        let sql = format!(
            "INSERT INTO report_overrides \
             (event_id, check_name, ticket_id, agent_id, team_id, day, overridden) VALUES {}",
            value_rows(chunk.len(), 7)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (f, event_id, agent, check, overridden) in chunk {
            q = q
                .bind(*event_id)
                .bind(*check)
                .bind(f.ticket_id.0)
                .bind(*agent)
                .bind(f.team_id.map(|t| t.0))
                .bind(f.day)
                .bind(*overridden);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A reply's checks, each once, in byte order.
pub(crate) fn distinct_checks(checks: &[String]) -> Vec<&str> {
    let mut checks: Vec<&str> = checks.iter().map(String::as_str).collect();
    checks.sort_unstable();
    checks.dedup();
    checks
}

/// Which tickets a report covers (days inclusive, business zone).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFilter {
    /// First day.
    pub from_day: Option<i64>,
    /// Last day.
    pub to_day: Option<i64>,
    /// One team.
    pub team: Option<TeamId>,
    /// One owner.
    pub agent: Option<AgentId>,
    /// One channel.
    pub channel: Option<Channel>,
    /// One priority.
    pub priority: Option<Priority>,
}

pub(crate) enum Bound {
    Int(i64),
    Text(&'static str),
}

impl ReportFilter {
    /// The filter as overrides take it: by team, agent and day only.
    pub(crate) fn overrides_scope(&self) -> ReportFilter {
        ReportFilter {
            channel: None,
            priority: None,
            ..self.clone()
        }
    }

    pub(crate) fn clause(&self, prefix: &str, first: usize) -> (String, Vec<Bound>) {
        let mut parts = Vec::new();
        let mut binds = Vec::new();
        let mut add = |sql: &str, b: Bound| {
            binds.push(b);
            parts.push(format!("{prefix}{sql} ${}", first + binds.len() - 1));
        };
        if let Some(t) = self.team {
            add("team_id =", Bound::Int(t.0));
        }
        if let Some(a) = self.agent {
            add("agent_id =", Bound::Int(a.0));
        }
        if let Some(d) = self.from_day {
            add("day >=", Bound::Int(d));
        }
        if let Some(d) = self.to_day {
            add("day <=", Bound::Int(d));
        }
        if let Some(c) = self.channel {
            add("channel =", Bound::Text(c.as_str()));
        }
        if let Some(p) = self.priority {
            add("priority =", Bound::Text(p.as_str()));
        }
        (parts.join(" AND "), binds)
    }
}

pub(crate) fn where_sql(clause: &str, base: &str) -> String {
    match (clause.is_empty(), base.is_empty()) {
        (true, true) => String::new(),
        (true, false) => format!(" WHERE {base}"),
        (false, true) => format!(" WHERE {clause}"),
        (false, false) => format!(" WHERE {base} AND {clause}"),
    }
}

pub(crate) fn fact_row(row: &sqlx::any::AnyRow) -> Result<FactRow, StoreError> {
    let opt_flag = |name: &str| -> Result<Option<bool>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(name)?.map(|v| v != 0))
    };
    Ok(FactRow {
        day: row.try_get(0)?,
        team_id: row.try_get::<Option<i64>, _>(1)?.map(TeamId),
        agent_id: row.try_get::<Option<i64>, _>(2)?.map(AgentId),
        channel: parse(&row.try_get::<String, _>(3)?)?,
        priority: parse(&row.try_get::<String, _>(4)?)?,
        first_response_bucket: row.try_get(5)?,
        resolution_bucket: row.try_get(6)?,
        resolved: row.try_get::<i64, _>(7)? != 0,
        one_touch: row.try_get::<i64, _>(8)? != 0,
        reopened: row.try_get::<i64, _>(9)? > 0,
        transfers: row.try_get(10)?,
        first_response_met: opt_flag("first_response_met")?,
        resolution_met: opt_flag("resolution_met")?,
        promises_made: row.try_get(13)?,
        promises_on_time: row.try_get(14)?,
        overrides: row.try_get(15)?,
        csat: row.try_get(16)?,
        recovery_opened: row.try_get(17)?,
        recovery_closed: row.try_get(18)?,
    })
}

/// The columns [`fact_row`] reads (unqualified: only `report_tickets` has them).
pub(crate) const ROW_COLUMNS: &str = "day, team_id, agent_id, channel, priority, first_response_bucket, \
     resolution_bucket, resolved, one_touch, reopens, transfers, first_response_met, \
     resolution_met, promises_made, promises_on_time, overrides, csat, recovery_opened, recovery_closed";

/// A `report_overrides` row: event, check, ticket, agent, team, day, overridden.
type OverrideRowText = (i64, String, i64, Option<i64>, Option<i64>, i64, i64);

/// Overrides of one check by one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideCount {
    /// Who overrode.
    pub agent_id: Option<AgentId>,
    /// The check overridden.
    pub check: String,
    /// How often.
    pub count: i64,
    /// Of those, on tickets that came back unhappy (reopened or rated 1–2).
    pub unhappy: i64,
    /// Replies on which the coach raised this check (overridden or not).
    pub findings: i64,
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: Vec<Bound>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for b in binds {
        q = match b {
            Bound::Int(i) => q.bind(i),
            Bound::Text(t) => q.bind(t),
        };
    }
    q
}

/// A query's rows read one by one (a million rows are never held as
/// driver rows at once), each mapped.
pub(crate) async fn streamed<T>(
    pool: &sqlx::AnyPool,
    query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    map: impl Fn(&sqlx::any::AnyRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut rows = query.fetch(pool);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await? {
        out.push(map(&row)?);
    }
    Ok(out)
}

/// Runs a query of (agent, check, count, unhappy, findings) rows: the
/// coach's overrides and findings by agent
/// and check in byte order on both engines (PostgreSQL's collation may
/// order text otherwise); agent 0 or none is none.
pub(crate) async fn override_counts_of(
    pool: &sqlx::AnyPool,
    sql: String,
    binds: Vec<Bound>,
) -> Result<Vec<OverrideCount>, StoreError> {
    let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), binds)
        .fetch_all(pool)
        .await?;
    let mut counts = rows
        .iter()
        .map(|row| override_count(row, 0))
        .collect::<Result<Vec<_>, StoreError>>()?;
    counts.sort_by(|a, b| (a.agent_id, &a.check).cmp(&(b.agent_id, &b.check)));
    Ok(counts)
}

/// An (agent, check, count, unhappy, findings) row read from column `at`
/// on: agent 0 or none is none, a sum over no rows is 0.
pub(crate) fn override_count(
    row: &sqlx::any::AnyRow,
    at: usize,
) -> Result<OverrideCount, StoreError> {
    Ok(OverrideCount {
        agent_id: row
            .try_get::<Option<i64>, _>(at)?
            .filter(|a| *a != 0)
            .map(AgentId),
        check: row.try_get(at + 1)?,
        count: row.try_get::<Option<i64>, _>(at + 2)?.unwrap_or(0),
        unhappy: row.try_get::<Option<i64>, _>(at + 3)?.unwrap_or(0),
        findings: row.try_get::<Option<i64>, _>(at + 4)?.unwrap_or(0),
    })
}

impl Store {
    /// The counted tickets' rows of the projection a report sums, in day order.
    pub async fn report_rows(&self, filter: &ReportFilter) -> Result<Vec<FactRow>, StoreError> {
        let (clause, binds) = filter.clause("r.", 1);
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM report_tickets r{} ORDER BY r.day",
            where_sql(&clause, "r.counted = 1")
        );
        streamed(
            &self.read,
            bind_all(sqlx::query(AssertSqlSafe(sql)), binds),
            fact_row,
        )
        .await
    }

    /// The rows with each customer's value of an attribute (`(none)` where
    /// unset), for the fairness audit.
    pub async fn report_rows_by_attribute(
        &self,
        filter: &ReportFilter,
        attribute: &str,
    ) -> Result<Vec<(String, FactRow)>, StoreError> {
        let (clause, binds) = filter.clause("r.", 2);
        let sql = format!(
            "SELECT {ROW_COLUMNS}, a.value AS group_value FROM report_tickets r \
             LEFT JOIN customer_attributes a ON a.customer_id = r.customer_id AND a.name = $1{}",
            where_sql(&clause, "r.counted = 1")
        );
        let query = bind_all(
            sqlx::query(AssertSqlSafe(sql)).bind(attribute.to_string()),
            binds,
        );
        streamed(&self.read, query, |row| {
            let group: Option<String> = row.try_get("group_value")?;
            Ok((group.unwrap_or_else(|| "(none)".into()), fact_row(row)?))
        })
        .await
    }

    /// The customer attributes in use, by name.
    pub async fn customer_attribute_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT name FROM customer_attributes ORDER BY name")
                .fetch_all(&self.read)
                .await?,
        )
    }

    /// Adds customer attributes in bulk (the generator's), keeping any set.
    pub async fn bulk_customer_attributes(
        &self,
        rows: &[(i64, &str, String)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for chunk in rows.chunks(insert_rows(3)) {
            let sql = format!(
                "INSERT INTO customer_attributes (customer_id, name, value) VALUES {} \
                 ON CONFLICT (customer_id, name) DO NOTHING",
                value_rows(chunk.len(), 3)
            );
            let mut q = sqlx::query(AssertSqlSafe(sql));
            for (customer, name, value) in chunk {
                q = q.bind(*customer).bind(*name).bind(value.as_str());
            }
            q.execute(&mut *tx.tx).await?;
        }
        tx.commit().await
    }

    /// Coach overrides by agent and check, with how many of their tickets
    /// came back unhappy, counted from the projection rows: what
    /// [`Store::override_counts`] gives from the cells.
    pub async fn override_counts_from_rows(
        &self,
        filter: &ReportFilter,
    ) -> Result<Vec<OverrideCount>, StoreError> {
        let (clause, binds) = filter.overrides_scope().clause("o.", 1);
        let sql = format!(
            "SELECT o.agent_id, o.check_name, CAST(SUM(o.overridden) AS BIGINT) AS n, \
             CAST(SUM(CASE WHEN o.overridden = 1 AND (r.reopens > 0 OR r.csat <= 2) \
             THEN 1 ELSE 0 END) AS BIGINT) AS unhappy, \
             CAST(SUM(1 - o.overridden) AS BIGINT) AS findings \
             FROM report_overrides o JOIN report_tickets r ON r.ticket_id = o.ticket_id{} \
             GROUP BY o.agent_id, o.check_name",
            where_sql(&clause, "")
        );
        override_counts_of(&self.read, sql, binds).await
    }

    /// Tickets after `after` in id order, at most `limit`, each with the
    /// events that can change its facts: what the rebuild folds.
    pub async fn tickets_with_history(
        &self,
        after: TicketId,
        limit: i64,
    ) -> Result<Vec<(Ticket, Vec<Event>)>, StoreError> {
        let sql =
            format!("SELECT {TICKET_COLUMNS} FROM tickets WHERE id > $1 ORDER BY id LIMIT $2");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(after.0)
            .bind(limit.max(1))
            .fetch_all(&self.read)
            .await?;
        let tickets = rows.iter().map(ticket_row).collect::<Result<Vec<_>, _>>()?;
        let Some(last) = tickets.last() else {
            return Ok(Vec::new());
        };
        // Only the events that can change the facts: the others are never
        // decoded (a customer's messages are a good share of the log).
        let skipped = IRRELEVANT.map(|t| format!("'{t}'")).join(", ");
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events \
             WHERE ticket_id > $1 AND ticket_id <= $2 AND type NOT IN ({skipped}) \
             ORDER BY ticket_id, id"
        )))
        .bind(after.0)
        .bind(last.id.0)
        .fetch_all(&self.read)
        .await?;
        let mut events = rows
            .iter()
            .map(event)
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .peekable();
        let mut out = Vec::with_capacity(tickets.len());
        for ticket in tickets {
            let mut mine = Vec::new();
            while let Some(e) = events.next_if(|e| e.ticket_id <= ticket.id) {
                if e.ticket_id == ticket.id {
                    mine.push(e);
                }
            }
            out.push((ticket, mine));
        }
        Ok(out)
    }

    /// Replaces the projection rows of the tickets in `(after, last]` with
    /// `facts` (the rebuild's batch), in one transaction.
    pub async fn replace_report_facts(
        &self,
        after: TicketId,
        last: TicketId,
        facts: &[TicketFacts],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for table in ["report_tickets", "report_overrides"] {
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE ticket_id > $1 AND ticket_id <= $2"
            )))
            .bind(after.0)
            .bind(last.0)
            .execute(&mut *tx.tx)
            .await?;
        }
        insert_facts(&mut tx.tx, facts).await?;
        tx.commit().await
    }

    /// Every projection row as text, in ticket order: what the rebuild
    /// test compares with the running totals.
    pub async fn report_snapshot(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!("SELECT {FACT_COLUMNS} FROM report_tickets ORDER BY ticket_id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut cells = Vec::with_capacity(FACT_WIDTH);
            for i in 0..FACT_WIDTH {
                let cell = match row.try_get::<Option<i64>, _>(i) {
                    Ok(v) => format!("{v:?}"),
                    Err(_) => row.try_get::<String, _>(i)?,
                };
                cells.push(cell);
            }
            out.push(cells.join(","));
        }
        let overrides: Vec<OverrideRowText> = sqlx::query_as(
            "SELECT event_id, check_name, ticket_id, agent_id, team_id, day, overridden \
             FROM report_overrides ORDER BY event_id, check_name",
        )
        .fetch_all(&self.read)
        .await?;
        out.extend(overrides.iter().map(|o| format!("{o:?}")));
        out.extend(self.cells_snapshot().await?);
        Ok(out)
    }
}
