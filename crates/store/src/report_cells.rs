//! The pre-summed report cells (migration 0025): per day, team, owner,
//! channel and priority the sums of the counted tickets (`report_cells`),
//! and per day, team, overriding agent and check the coach overrides
//! (`report_override_cells`). Kept in the transaction of every ticket
//! change by taking the ticket's old part away and adding its new one;
//! summed anew from `report_tickets` by the rebuild and by the migration.

use crate::reports::{
    ROW_COLUMNS, ReportFilter, bind_all, distinct_checks, fact_row, override_count,
    override_counts_of, streamed, where_sql,
};
use crate::rows::parse;
use crate::{Store, StoreError};
use futures_util::TryStreamExt;
use rapport_core::report::TicketFacts;
use rapport_core::report::cells::{CELL_COUNTER_NAMES, Cell, CellKey, CellSums, Hist};
use rapport_core::report::figures::FactRow;
use rapport_core::{AgentId, TeamId};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// The last migration that changes the cells' columns (0025 added them,
/// 0027 the findings); they are summed from the rows when it is applied.
pub(crate) const MIGRATION: i64 = 27;
/// A cell's key as stored: day, team (0: none), owner (0: none), channel,
/// priority.
type Key = (i64, i64, i64, &'static str, &'static str);
/// An override cell's key: day, team (0: none), agent (0: none), check.
type OverrideKey = (i64, i64, i64, String);
const KEY_WHERE: &str =
    "WHERE day = $1 AND team_id = $2 AND agent_id = $3 AND channel = $4 AND priority = $5";

fn key_of(key: &CellKey) -> Key {
    (
        key.day,
        key.team_id.map_or(0, |t| t.0),
        key.agent_id.map_or(0, |a| a.0),
        key.channel.as_str(),
        key.priority.as_str(),
    )
}

/// What one ticket adds to the cells: its row (when counted), and the
/// checks of its coach rows (overridden or only found), with whether it
/// came back unhappy.
#[derive(Debug, Default)]
pub(crate) struct Part {
    row: Option<FactRow>,
    coach: Vec<(OverrideKey, bool)>,
    unhappy: bool,
}

impl Part {
    /// The part of a ticket's new facts.
    pub(crate) fn of(facts: &TicketFacts) -> Part {
        let team = facts.team_id.map_or(0, |t| t.0);
        let mut coach = Vec::new();
        let overrides = facts.overrides.iter().map(|o| (o, true));
        for (o, overridden) in overrides.chain(facts.findings.iter().map(|o| (o, false))) {
            let agent = o.agent_id.map_or(0, |a| a.0);
            coach.extend(
                distinct_checks(&o.checks)
                    .into_iter()
                    .map(|c| ((facts.day, team, agent, c.to_string()), overridden)),
            );
        }
        Part {
            row: facts.counted.then(|| facts.row()),
            coach,
            unhappy: facts.reopens > 0 || facts.csat.is_some_and(|c| c <= 2),
        }
    }

    /// The part of the ticket's row and coach rows as they were stored
    /// (what `DELETE ... RETURNING` gave back).
    pub(crate) fn stored(
        row: Option<&sqlx::any::AnyRow>,
        coach: &[sqlx::any::AnyRow],
    ) -> Result<Part, StoreError> {
        let Some(row) = row else {
            return Ok(Part::default());
        };
        let facts = fact_row(row)?;
        let counted: i64 = row.try_get("counted")?;
        let coach = coach
            .iter()
            .map(|o| {
                Ok((
                    (
                        o.try_get::<i64, _>(0)?,
                        o.try_get::<Option<i64>, _>(1)?.unwrap_or(0),
                        o.try_get::<Option<i64>, _>(2)?.unwrap_or(0),
                        o.try_get::<String, _>(3)?,
                    ),
                    o.try_get::<i64, _>(4)? != 0,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Part {
            unhappy: facts.reopened || facts.csat.is_some_and(|c| c <= 2),
            row: (counted != 0).then_some(facts),
            coach,
        })
    }
}

/// Changes to the cells, summed over tickets' parts taken away and added
/// in one transaction, and written at its end in key order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Delta {
    cells: BTreeMap<Key, CellSums>,
    coach: BTreeMap<OverrideKey, CoachSums>,
    /// What was added since the savepoint, when one is set: taken away
    /// again when the savepoint's item is rolled back.
    journal: Option<Journal>,
}

/// The changes added to a [`Delta`] since a savepoint.
#[derive(Debug, Default, Clone)]
struct Journal {
    /// A part's sums and whether they were added (1) or taken away (-1).
    cells: Vec<(Key, CellSums, i64)>,
    coach: Vec<(OverrideKey, CoachSums)>,
}

/// A coach cell's counters: overrides, those of them on tickets that came
/// back unhappy, and findings.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct CoachSums {
    overrides: i64,
    unhappy: i64,
    findings: i64,
}

impl CoachSums {
    /// Adds (`sign` 1) or takes away (`sign` -1) a change.
    fn add(&mut self, change: CoachSums, sign: i64) {
        self.overrides += sign * change.overrides;
        self.unhappy += sign * change.unhappy;
        self.findings += sign * change.findings;
    }
}

impl Delta {
    /// Adds (`sign` 1) or takes away (`sign` -1) a ticket's part.
    pub(crate) fn add(&mut self, part: &Part, sign: i64) {
        if let Some(row) = &part.row {
            let key = key_of(&row.cell_key());
            let sums = CellSums::of(row);
            self.cells.entry(key).or_default().merge(&sums, sign);
            if let Some(journal) = &mut self.journal {
                journal.cells.push((key, sums, sign));
            }
        }
        for (key, overridden) in &part.coach {
            let change = if *overridden {
                CoachSums {
                    overrides: sign,
                    unhappy: sign * i64::from(part.unhappy),
                    findings: 0,
                }
            } else {
                CoachSums {
                    findings: sign,
                    ..CoachSums::default()
                }
            };
            self.coach.entry(key.clone()).or_default().add(change, 1);
            if let Some(journal) = &mut self.journal {
                journal.coach.push((key.clone(), change));
            }
        }
    }

    /// Starts recording what is added, to take it back on [`Delta::undo`].
    pub(crate) fn mark(&mut self) {
        self.journal = Some(Journal::default());
    }

    /// Keeps what was added since [`Delta::mark`].
    pub(crate) fn release(&mut self) {
        self.journal = None;
    }

    /// Takes away what was added since [`Delta::mark`].
    pub(crate) fn undo(&mut self) {
        let Some(journal) = self.journal.take() else {
            return;
        };
        for (key, sums, sign) in journal.cells {
            self.cells.entry(key).or_default().merge(&sums, -sign);
        }
        for (key, change) in journal.coach {
            self.coach.entry(key).or_default().add(change, -1);
        }
    }

    /// Writes the changes in the open transaction, in key order (two
    /// transactions never wait on each other's cells in a cycle).
    pub(crate) async fn apply(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        for (key, sums) in self.cells.iter().filter(|(_, s)| !s.is_zero()) {
            apply_cell(conn, key, sums).await?;
        }
        for (key, sums) in self.coach {
            if sums != CoachSums::default() {
                apply_coach(conn, &key, sums).await?;
            }
        }
        Ok(())
    }
}

static UPSERT_CELL: LazyLock<String> = LazyLock::new(|| {
    let columns = CELL_COUNTER_NAMES.join(", ");
    let values = (1..=5 + CELL_COUNTER_NAMES.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sets = CELL_COUNTER_NAMES
        .iter()
        .map(|c| format!("{c} = report_cells.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "INSERT INTO report_cells (day, team_id, agent_id, channel, priority, {columns}, \
         first_response_hist, resolution_hist) VALUES ({values}, '', '') \
         ON CONFLICT (day, team_id, agent_id, channel, priority) DO UPDATE SET {sets} \
         RETURNING tickets, first_response_hist, resolution_hist"
    )
});

fn bind_key<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    key: &Key,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(key.3)
        .bind(key.4)
}

fn decoded(text: &str) -> Result<Hist, StoreError> {
    Hist::decode(text).ok_or_else(|| StoreError::Corrupt(format!("report histogram {text:?}")))
}

/// Adds a change to one cell: the counters in one upsert (which locks the
/// row on PostgreSQL), then the histograms read back and rewritten; a cell
/// left without tickets is removed.
async fn apply_cell(
    conn: &mut AnyConnection,
    key: &Key,
    sums: &CellSums,
) -> Result<(), StoreError> {
    let mut q = bind_key(sqlx::query(AssertSqlSafe(UPSERT_CELL.as_str())), key);
    for c in sums.counters {
        q = q.bind(c);
    }
    let row = q.fetch_one(&mut *conn).await?;
    let tickets: i64 = row.try_get(0)?;
    if tickets == 0 {
        bind_key(
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM report_cells {KEY_WHERE}"
            ))),
            key,
        )
        .execute(&mut *conn)
        .await?;
    } else if !(sums.first_response.is_empty() && sums.resolution.is_empty()) {
        let mut first = decoded(&row.try_get::<String, _>(1)?)?;
        let mut resolution = decoded(&row.try_get::<String, _>(2)?)?;
        first.merge(&sums.first_response, 1);
        resolution.merge(&sums.resolution, 1);
        bind_key(
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE report_cells SET first_response_hist = $6, resolution_hist = $7 {KEY_WHERE}"
            ))),
            key,
        )
        .bind(first.encode())
        .bind(resolution.encode())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds a change to one coach cell; a cell left without overrides or
/// findings is removed.
async fn apply_coach(
    conn: &mut AnyConnection,
    key: &OverrideKey,
    sums: CoachSums,
) -> Result<(), StoreError> {
    let (overrides, findings): (i64, i64) = sqlx::query_as(
        "INSERT INTO report_override_cells \
         (day, team_id, agent_id, check_name, overrides, unhappy, findings) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (day, team_id, agent_id, check_name) DO UPDATE \
         SET overrides = report_override_cells.overrides + excluded.overrides, \
         unhappy = report_override_cells.unhappy + excluded.unhappy, \
         findings = report_override_cells.findings + excluded.findings \
         RETURNING overrides, findings",
    )
    .bind(key.0)
    .bind(key.1)
    .bind(key.2)
    .bind(key.3.as_str())
    .bind(sums.overrides)
    .bind(sums.unhappy)
    .bind(sums.findings)
    .fetch_one(&mut *conn)
    .await?;
    if overrides == 0 && findings == 0 {
        sqlx::query(
            "DELETE FROM report_override_cells \
             WHERE day = $1 AND team_id = $2 AND agent_id = $3 AND check_name = $4",
        )
        .bind(key.0)
        .bind(key.1)
        .bind(key.2)
        .bind(key.3.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Sums every cell anew from the projection rows, in the open transaction.
pub(crate) async fn sum_all(conn: &mut AnyConnection) -> Result<(), StoreError> {
    for table in ["report_cells", "report_override_cells"] {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *conn)
            .await?;
    }
    let mut cells: HashMap<Key, CellSums> = HashMap::new();
    {
        let sql = format!("SELECT {ROW_COLUMNS} FROM report_tickets WHERE counted = 1");
        let mut rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut *conn);
        while let Some(row) = rows.try_next().await? {
            let row = fact_row(&row)?;
            cells
                .entry(key_of(&row.cell_key()))
                .or_default()
                .merge(&CellSums::of(&row), 1);
        }
    }
    let mut cells: Vec<(Key, CellSums)> = cells.into_iter().collect();
    cells.sort_by(|a, b| a.0.cmp(&b.0));
    let width = 7 + CELL_COUNTER_NAMES.len();
    for chunk in cells.chunks(crate::reports::insert_rows(width)) {
        let sql = format!(
            "INSERT INTO report_cells (day, team_id, agent_id, channel, priority, {}, \
             first_response_hist, resolution_hist) VALUES {}",
            CELL_COUNTER_NAMES.join(", "),
            crate::rows::value_rows(chunk.len(), width)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (key, sums) in chunk {
            q = bind_key(q, key);
            for c in sums.counters {
                q = q.bind(c);
            }
            q = q
                .bind(sums.first_response.encode())
                .bind(sums.resolution.encode());
        }
        q.execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO report_override_cells \
         (day, team_id, agent_id, check_name, overrides, unhappy, findings) \
         SELECT o.day, COALESCE(o.team_id, 0), COALESCE(o.agent_id, 0), o.check_name, \
         SUM(o.overridden), \
         SUM(CASE WHEN o.overridden = 1 AND (r.reopens > 0 OR r.csat <= 2) THEN 1 ELSE 0 END), \
         SUM(1 - o.overridden) \
         FROM report_overrides o JOIN report_tickets r ON r.ticket_id = o.ticket_id \
         GROUP BY o.day, COALESCE(o.team_id, 0), COALESCE(o.agent_id, 0), o.check_name",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const CELL_COLUMNS: &str = "day, team_id, agent_id, channel, priority";

fn cell(row: &sqlx::any::AnyRow) -> Result<Cell, StoreError> {
    let id = |i: usize| -> Result<Option<i64>, StoreError> {
        Ok(Some(row.try_get::<i64, _>(i)?).filter(|v| *v != 0))
    };
    let mut sums = CellSums::default();
    for (i, c) in sums.counters.iter_mut().enumerate() {
        *c = row.try_get(5 + i)?;
    }
    let n = 5 + CELL_COUNTER_NAMES.len();
    sums.first_response = decoded(&row.try_get::<String, _>(n)?)?;
    sums.resolution = decoded(&row.try_get::<String, _>(n + 1)?)?;
    Ok(Cell {
        key: CellKey {
            day: row.try_get(0)?,
            team_id: id(1)?.map(TeamId),
            agent_id: id(2)?.map(AgentId),
            channel: parse(&row.try_get::<String, _>(3)?)?,
            priority: parse(&row.try_get::<String, _>(4)?)?,
        },
        sums,
    })
}

impl Store {
    /// The pre-summed cells of a report's tickets, in day order: the
    /// figures they sum to are those of [`Store::report_rows`].
    pub async fn report_cells(&self, filter: &ReportFilter) -> Result<Vec<Cell>, StoreError> {
        let (clause, binds) = filter.clause("", 1);
        let sql = format!(
            "SELECT {CELL_COLUMNS}, {}, first_response_hist, resolution_hist FROM report_cells{} \
             ORDER BY day",
            CELL_COUNTER_NAMES.join(", "),
            where_sql(&clause, "tickets > 0")
        );
        streamed(
            &self.read,
            bind_all(sqlx::query(AssertSqlSafe(sql)), binds),
            cell,
        )
        .await
    }

    /// The coach's overrides and findings by agent and check (they filter
    /// by team, agent and day, not channel or priority), from the cells.
    pub async fn override_counts(
        &self,
        filter: &ReportFilter,
    ) -> Result<Vec<crate::OverrideCount>, StoreError> {
        let (clause, binds) = filter.overrides_scope().clause("", 1);
        let sql = format!(
            "SELECT agent_id, check_name, CAST(SUM(overrides) AS BIGINT) AS n, \
             CAST(SUM(unhappy) AS BIGINT) AS unhappy, CAST(SUM(findings) AS BIGINT) AS findings \
             FROM report_override_cells{} GROUP BY agent_id, check_name \
             HAVING SUM(overrides) > 0 OR SUM(findings) > 0",
            where_sql(&clause, "")
        );
        override_counts_of(&self.read, sql, binds).await
    }

    /// The coach's overrides and findings by day, agent and check (filtered
    /// as [`Store::override_counts`]) in one read: a scorecard sums them by
    /// check and by period. In day, agent, then byte order of the check.
    pub async fn coach_cells_by_day(
        &self,
        filter: &ReportFilter,
    ) -> Result<Vec<(i64, crate::OverrideCount)>, StoreError> {
        let (clause, binds) = filter.overrides_scope().clause("", 1);
        let sql = format!(
            "SELECT day, agent_id, check_name, CAST(SUM(overrides) AS BIGINT) AS n, \
             CAST(SUM(unhappy) AS BIGINT) AS unhappy, CAST(SUM(findings) AS BIGINT) AS findings \
             FROM report_override_cells{} GROUP BY day, agent_id, check_name \
             HAVING SUM(overrides) > 0 OR SUM(findings) > 0",
            where_sql(&clause, "")
        );
        let mut rows = streamed(
            &self.read,
            bind_all(sqlx::query(AssertSqlSafe(sql)), binds),
            |row| Ok((row.try_get::<i64, _>(0)?, override_count(row, 1)?)),
        )
        .await?;
        rows.sort_by(|a, b| {
            (a.0, a.1.agent_id, a.1.check.as_bytes()).cmp(&(
                b.0,
                b.1.agent_id,
                b.1.check.as_bytes(),
            ))
        });
        Ok(rows)
    }

    /// Sums the cells anew from the projection rows in one transaction
    /// (the rebuild's last step).
    pub async fn sum_report_cells(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sum_all(&mut tx.tx).await?;
        tx.commit().await
    }

    /// Every cell as text, in key order: what the rebuild test compares
    /// with the cells kept by every change.
    pub(crate) async fn cells_snapshot(&self) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT {CELL_COLUMNS}, {}, first_response_hist, resolution_hist FROM report_cells \
             ORDER BY day, team_id, agent_id, channel, priority",
            CELL_COUNTER_NAMES.join(", ")
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?;
        let mut out = rows
            .iter()
            .map(|r| cell(r).map(|c| format!("{c:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let overrides: Vec<(i64, i64, i64, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT day, team_id, agent_id, check_name, overrides, unhappy, findings \
             FROM report_override_cells ORDER BY day, team_id, agent_id, check_name",
        )
        .fetch_all(&self.read)
        .await?;
        out.extend(overrides.iter().map(|o| format!("override cell {o:?}")));
        Ok(out)
    }
}
