//! Response-target clocks kept on tickets: the rules every ticket write
//! plans with, the due-time columns, the sweep that records warnings and
//! breaches when their time comes, and the recompute after a rule change.

use crate::rows::{TICKET_COLUMNS, ticket as ticket_row};
use crate::tickets::event;
use crate::{Backend, StoreError, WriteTx};
use rapport_core::sla::{ClockPlan, SlaRules};
use rapport_core::{Actor, Event, EventId, EventKind, Ticket, TicketId, Timestamp};
use sqlx::{AnyConnection, AssertSqlSafe};
use std::sync::{Arc, RwLock};

/// The rules in force, shared by the store's writers; the app replaces them
/// when a policy or calendar changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlaSlot(Arc<RwLock<Option<Arc<SlaRules>>>>);

impl SlaSlot {
    /// The rules now (none until the app installs them).
    pub(crate) fn get(&self) -> Option<Arc<SlaRules>> {
        match self.0.read() {
            Ok(rules) => rules.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, rules: Arc<SlaRules>) {
        match self.0.write() {
            Ok(mut slot) => *slot = Some(rules),
            Err(poisoned) => *poisoned.into_inner() = Some(rules),
        }
    }
}

/// The ticket columns a plan sets.
pub(crate) struct Columns {
    pub(crate) policy_id: Option<i64>,
    pub(crate) due_at: Option<i64>,
    pub(crate) alert_at: Option<i64>,
}

impl Columns {
    /// The columns of a plan made at `now`: alerts already due are left to
    /// the sweep, which records them with their notifications at once.
    pub(crate) fn of(plan: Option<&ClockPlan>, now: Timestamp) -> Self {
        match plan {
            None => Self {
                policy_id: None,
                due_at: None,
                alert_at: None,
            },
            Some(plan) => Self {
                policy_id: plan.policy_id,
                due_at: plan.due_at.map(|t| t.0),
                alert_at: if plan.alerts.is_empty() {
                    plan.next_alert_at.map(|t| t.0)
                } else {
                    Some(now.0)
                },
            },
        }
    }
}

/// Events not stored yet, for planning (ids are not needed there).
pub(crate) fn unsaved(ticket: &Ticket, at: Timestamp, kinds: &[EventKind]) -> Vec<Event> {
    kinds
        .iter()
        .map(|kind| Event {
            id: EventId(0),
            ticket_id: ticket.id,
            actor: Actor::System,
            at,
            kind: kind.clone(),
        })
        .collect()
}

/// A ticket's events, oldest first.
pub(crate) async fn history(
    conn: &mut AnyConnection,
    id: TicketId,
) -> Result<Vec<Event>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event).collect()
}

/// One ticket whose warnings or breaches the sweep recorded.
#[derive(Debug, Clone)]
pub struct SlaAlerted {
    /// The ticket.
    pub ticket: Ticket,
    /// The warning and breach events recorded.
    pub events: Vec<Event>,
}

impl crate::Store {
    /// Installs the rules every later ticket write plans its clocks with.
    pub fn set_sla_rules(&self, rules: Arc<SlaRules>) {
        self.sla.set(rules);
    }

    /// The rules installed, if any.
    pub fn sla_rules(&self) -> Option<Arc<SlaRules>> {
        self.sla.get()
    }

    /// A ticket's events, oldest first (all of them).
    pub async fn ticket_history(&self, id: TicketId) -> Result<Vec<Event>, StoreError> {
        let mut conn = self.read.acquire().await?;
        history(&mut conn, id).await
    }

    /// When the next warning or breach falls due on any ticket.
    pub async fn next_sla_alert(&self) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(sla_alert_at) FROM tickets WHERE sla_alert_at IS NOT NULL",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(at.map(Timestamp))
    }

    /// Tickets that are not solved or closed, in id order after `after`, at
    /// most `limit`, each with its events: what a recompute plans from.
    pub async fn open_tickets_with_history(
        &self,
        after: TicketId,
        limit: i64,
    ) -> Result<Vec<(Ticket, Vec<Event>)>, StoreError> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE id > $1 AND status NOT IN ('solved', 'closed') \
             ORDER BY id LIMIT $2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(after.0)
            .bind(limit.max(1))
            .fetch_all(&self.read)
            .await?;
        let tickets = rows.iter().map(ticket_row).collect::<Result<Vec<_>, _>>()?;
        let Some(last) = tickets.last() else {
            return Ok(Vec::new());
        };
        // Only the open tickets' events, and only the kinds the clocks read.
        let rows = sqlx::query(
            "SELECT id, ticket_id, actor_kind, actor_id, data, at FROM events \
             WHERE ticket_id IN (SELECT id FROM tickets WHERE id > $1 AND id <= $2 \
             AND status NOT IN ('solved', 'closed')) \
             AND type IN ('created', 'customer_wrote', 'replied', 'noted', 'status_changed', \
             'closed_as_spam', 'closed_as_duplicate', 'sla_clock') ORDER BY ticket_id, id",
        )
        .bind(after.0)
        .bind(last.id.0)
        .fetch_all(&self.read)
        .await?;
        let mut events = rows.iter().map(event).collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(tickets.len());
        for ticket in tickets.into_iter().rev() {
            let from = events.partition_point(|e| e.ticket_id < ticket.id);
            let mine: Vec<Event> = events
                .drain(from..)
                .filter(|e| e.ticket_id == ticket.id)
                .collect();
            out.push((ticket, mine));
        }
        out.reverse();
        Ok(out)
    }

    /// Writes recomputed due-time columns, one statement per 500 tickets
    /// (on SQLite one primary-key update each); a ticket changed since it
    /// was read (another version) is left as its own change planned it. A
    /// ticket whose due time moves gets a search feed row in the same
    /// transaction (`due:` and `breached:` read it). Returns how many were
    /// written.
    pub async fn write_sla_columns(
        &self,
        plans: &[(Ticket, ClockPlan)],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut written = 0;
        for chunk in plans.chunks(500) {
            let moved = due_moved(&mut tx.tx, chunk, now).await?;
            written += match tx.backend {
                Backend::Sqlite => update_one_by_one(&mut tx.tx, chunk, now).await?,
                Backend::Postgres => update_from_values(&mut tx.tx, chunk, now).await?,
            };
            crate::search_feed::tickets_changed(&mut tx.tx, &moved).await?;
        }
        tx.commit().await?;
        Ok(written)
    }
}

/// The tickets of `chunk` (at the version planned) whose due time the plan moves.
async fn due_moved(
    conn: &mut AnyConnection,
    chunk: &[(Ticket, ClockPlan)],
    now: Timestamp,
) -> Result<Vec<TicketId>, StoreError> {
    use sqlx::Row;
    let list = chunk
        .iter()
        .map(|(t, _)| t.id.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT id, version, sla_due_at FROM tickets WHERE id IN ({list})"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let mut stored = std::collections::HashMap::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let version: i64 = row.try_get("version")?;
        let due: Option<i64> = row.try_get("sla_due_at")?;
        stored.insert(id, (version, due));
    }
    Ok(chunk
        .iter()
        .filter(|(ticket, plan)| {
            stored.get(&ticket.id.0).is_some_and(|(version, due)| {
                *version == ticket.version && *due != Columns::of(Some(plan), now).due_at
            })
        })
        .map(|(ticket, _)| ticket.id)
        .collect())
}

/// SQLite plans an UPDATE ... FROM (VALUES ...) as a scan of every ticket
/// per statement; one primary-key update per ticket (a prepared statement,
/// in one transaction) is what it does fast.
async fn update_one_by_one(
    conn: &mut AnyConnection,
    chunk: &[(Ticket, ClockPlan)],
    now: Timestamp,
) -> Result<u64, StoreError> {
    let mut written = 0;
    for (ticket, plan) in chunk {
        let c = Columns::of(Some(plan), now);
        written += sqlx::query(
            "UPDATE tickets SET sla_policy_id = $1, sla_due_at = $2, sla_alert_at = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(c.policy_id)
        .bind(c.due_at)
        .bind(c.alert_at)
        .bind(ticket.id.0)
        .bind(ticket.version)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(written)
}

/// One UPDATE ... FROM (VALUES ...) for the whole chunk (PostgreSQL).
async fn update_from_values(
    conn: &mut AnyConnection,
    chunk: &[(Ticket, ClockPlan)],
    now: Timestamp,
) -> Result<u64, StoreError> {
    let rows = (0..chunk.len())
        .map(|i| {
            let b = i * 5;
            format!(
                "(CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT), CAST(${} AS BIGINT))",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "UPDATE tickets SET sla_policy_id = v.policy, sla_due_at = v.due, sla_alert_at = v.alert \
         FROM (VALUES {rows}) AS v(id, version, policy, due, alert) \
         WHERE tickets.id = v.id AND tickets.version = v.version"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for (ticket, plan) in chunk {
        let c = Columns::of(Some(plan), now);
        query = query
            .bind(ticket.id.0)
            .bind(ticket.version)
            .bind(c.policy_id)
            .bind(c.due_at)
            .bind(c.alert_at);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

impl WriteTx {
    /// Records the warnings and breaches that fell due by `now` on at most
    /// `limit` tickets (each ticket locked; with PostgreSQL, tickets another
    /// server is recording are skipped), and moves each ticket's next alert.
    pub async fn record_sla_alerts(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<SlaAlerted>, StoreError> {
        let Some(rules) = self.sla.clone() else {
            return Ok(Vec::new());
        };
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets WHERE sla_alert_at IS NOT NULL AND sla_alert_at <= $1 \
             ORDER BY sla_alert_at LIMIT $2{lock}"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now.0)
            .bind(limit.max(1))
            .fetch_all(&mut *self.tx)
            .await?;
        let tickets = rows.iter().map(ticket_row).collect::<Result<Vec<_>, _>>()?;
        let mut alerted = Vec::new();
        for ticket in tickets {
            let events = history(&mut self.tx, ticket.id).await?;
            let plan = rules.plan(&ticket, &events, events.len(), now);
            let recorded = if plan.alerts.is_empty() {
                Vec::new()
            } else {
                crate::tickets::insert_events(
                    &mut self.tx,
                    ticket.id,
                    Actor::System,
                    now,
                    &plan.alerts,
                )
                .await?
            };
            // The alerts are events: the ticket's version and time follow,
            // as replaying its log gives.
            let mut changed = ticket.clone();
            for alert in &plan.alerts {
                rapport_core::apply(&mut changed, now, alert);
            }
            if !recorded.is_empty() {
                let mut all = events.clone();
                all.extend(recorded.iter().cloned());
                crate::reports::project(&mut self.tx, &changed, &all, &rules, &mut self.cells)
                    .await?;
            }
            sqlx::query(
                "UPDATE tickets SET sla_policy_id = $1, sla_due_at = $2, sla_alert_at = $3, \
                 version = $4, updated_at = $5 WHERE id = $6 AND version = $7",
            )
            .bind(plan.policy_id)
            .bind(plan.due_at.map(|t| t.0))
            .bind(plan.next_alert_at.map(|t| t.0))
            .bind(changed.version)
            .bind(changed.updated_at.0)
            .bind(ticket.id.0)
            .bind(ticket.version)
            .execute(&mut *self.tx)
            .await?;
            if changed.updated_at != ticket.updated_at && !changed.tags.is_empty() {
                crate::ticket_tags::touch(&mut self.tx, ticket.id, changed.updated_at).await?;
            }
            if !recorded.is_empty() {
                alerted.push(SlaAlerted {
                    ticket,
                    events: recorded,
                });
            }
        }
        Ok(alerted)
    }
}

impl crate::Store {
    /// The business minutes the last `limit` first responses took, newest
    /// first, in one team's queue (or everywhere): what the queue really does.
    pub async fn recent_first_responses(
        &self,
        team: Option<rapport_core::TeamId>,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let team_sql = if team.is_some() {
            " AND t.team_id = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT e.data FROM events e JOIN tickets t ON t.id = e.ticket_id \
             WHERE e.type = 'sla_clock'{team_sql} ORDER BY e.id DESC LIMIT $1"
        );
        let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).bind(limit.max(1) * 4);
        if let Some(team) = team {
            query = query.bind(team.0);
        }
        let rows = query.fetch_all(&self.read).await?;
        Ok(rows
            .iter()
            .filter_map(|data| serde_json::from_str::<EventKind>(data).ok())
            .filter_map(|kind| match kind {
                EventKind::SlaClock {
                    clock: rapport_core::sla::ClockKind::FirstResponse,
                    change: rapport_core::sla::SlaChange::Met,
                    elapsed_minutes,
                    ..
                } => Some(elapsed_minutes),
                _ => None,
            })
            .take(usize::try_from(limit).unwrap_or(0))
            .collect())
    }
}
