//! Deleting a team: refused while open tickets wait in its queue or a
//! response-target policy names it; archived (kept for the history, out of
//! the team list) when solved or closed tickets or their history still name
//! it; deleted outright otherwise. One transaction, the team's row locked
//! on PostgreSQL. A change that moves a ticket into a team reads the team
//! with [`WriteTx::lock_team`] in its own transaction, so the two serialize:
//! no ticket lands in a team archived meanwhile.

use crate::{Backend, Store, StoreError, WriteTx};
use rapport_core::sla::PolicyConditions;
use rapport_core::{EventKind, TeamId, TicketId, Timestamp};
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::BTreeSet;

/// Open tickets a refusal names at most.
const TICKETS_NAMED: i64 = 5;

/// The migration that starts `transfer_teams`; applying it fills the table.
pub(crate) const MIGRATION: i64 = 31;

/// What keeps a team from being deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TeamBlockers {
    /// How many tickets that are not solved or closed wait in its queue.
    pub open_tickets: i64,
    /// The first few of them.
    pub sample: Vec<TicketId>,
    /// The response-target policies whose conditions name it.
    pub policies: Vec<String>,
}

impl TeamBlockers {
    /// Whether nothing blocks.
    pub fn is_empty(&self) -> bool {
        self.open_tickets == 0 && self.policies.is_empty()
    }
}

/// How a team deletion ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamRemoval {
    /// No ticket ever named it: the row is gone.
    Deleted,
    /// Tickets or their history name it: archived, its name kept.
    Archived,
    /// Refused, with what blocks it.
    Blocked(TeamBlockers),
}

/// Whether a team can take tickets, as read in a write transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamState {
    /// No such team.
    Missing,
    /// Deleted but kept for the history (with its name): it takes no tickets.
    Archived(String),
    /// A team in use.
    Open,
}

impl WriteTx {
    /// Reads a team's state and holds its row until the transaction ends:
    /// shared on PostgreSQL (transfers into one team do not wait on each
    /// other; a deletion, which takes the row for update, waits for them
    /// and they for it, and then read what it committed); SQLite's single
    /// writer already excludes a deletion meanwhile.
    pub async fn lock_team(&mut self, id: TeamId) -> Result<TeamState, StoreError> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR SHARE",
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT name, archived_at FROM teams WHERE id = $1{lock}"
        )))
        .bind(id.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(match row {
            None => TeamState::Missing,
            Some(row) if row.try_get::<Option<i64>, _>("archived_at")?.is_some() => {
                TeamState::Archived(row.try_get("name")?)
            }
            Some(_) => TeamState::Open,
        })
    }
}

impl Store {
    /// Deletes or archives a team, or says what blocks it.
    pub async fn remove_team(&self, id: TeamId) -> Result<TeamRemoval, StoreError> {
        let lock = match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        };
        let mut tx = self.write.begin().await?;
        let found: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM teams WHERE id = $1 AND archived_at IS NULL{lock}"
        )))
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("team"));
        }
        let open = "team_id = $1 AND status NOT IN ('solved', 'closed')";
        let open_tickets: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM tickets WHERE {open}"
        )))
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        let sample: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM tickets WHERE {open} ORDER BY id LIMIT $2"
        )))
        .bind(id.0)
        .bind(TICKETS_NAMED)
        .fetch_all(&mut *tx)
        .await?;
        let mut policies = Vec::new();
        for row in sqlx::query("SELECT name, conditions FROM sla_policies ORDER BY position, id")
            .fetch_all(&mut *tx)
            .await?
        {
            let conditions: String = row.try_get("conditions")?;
            let conditions: PolicyConditions = serde_json::from_str(&conditions)
                .map_err(|e| StoreError::Corrupt(format!("policy conditions: {e}")))?;
            if conditions.teams.contains(&id) {
                policies.push(row.try_get("name")?);
            }
        }
        let blockers = TeamBlockers {
            open_tickets,
            sample: sample.into_iter().map(TicketId).collect(),
            policies,
        };
        if !blockers.is_empty() {
            return Ok(TeamRemoval::Blocked(blockers));
        }
        let removal = if named_by_history(&mut tx, id).await? {
            sqlx::query("UPDATE teams SET archived_at = $1 WHERE id = $2")
                .bind(Timestamp::now().0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM team_members WHERE team_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            TeamRemoval::Archived
        } else {
            sqlx::query("DELETE FROM teams WHERE id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            TeamRemoval::Deleted
        };
        tx.commit().await?;
        Ok(removal)
    }
}

/// The teams the transfers among `kinds` move tickets from and to.
pub(crate) fn teams_transfers_name<'a>(
    kinds: impl IntoIterator<Item = &'a EventKind>,
) -> BTreeSet<TeamId> {
    kinds
        .into_iter()
        .filter_map(|kind| match kind {
            EventKind::Transferred {
                from_team, to_team, ..
            } => Some([*from_team, *to_team]),
            _ => None,
        })
        .flatten()
        .flatten()
        .collect()
}

/// Records that transfers named these teams (already recorded ones stay),
/// in the transaction that stores the transfers.
pub(crate) async fn record_transfer_teams(
    conn: &mut AnyConnection,
    teams: &BTreeSet<TeamId>,
) -> Result<(), StoreError> {
    if teams.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (1..=teams.len()).map(|i| format!("(${i})")).collect();
    let sql = format!(
        "INSERT INTO transfer_teams (team_id) VALUES {} ON CONFLICT (team_id) DO NOTHING",
        values.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for team in teams {
        query = query.bind(team.0);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Fills `transfer_teams` from every transfer event stored before it existed.
pub(crate) async fn record_every_transfer(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let mut teams = BTreeSet::new();
    let select =
        "SELECT id, data FROM events WHERE type = 'transferred' AND id > $1 ORDER BY id LIMIT $2";
    crate::backfill::in_batches(conn, select, async |_, rows| {
        let mut kinds = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let data: String = row.try_get("data")?;
            let kind: EventKind = serde_json::from_str(&data)
                .map_err(|e| StoreError::Corrupt(format!("transfer event {id}: {e}")))?;
            kinds.push(kind);
        }
        teams.extend(teams_transfers_name(&kinds));
        Ok(())
    })
    .await?;
    for chunk in teams.into_iter().collect::<Vec<_>>().chunks(500) {
        record_transfer_teams(conn, &chunk.iter().copied().collect()).await?;
    }
    Ok(())
}

/// Whether a ticket, a report row or a transfer in a ticket's history names
/// the team; each is a look-up by key.
async fn named_by_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: TeamId,
) -> Result<bool, StoreError> {
    let ticket: Option<i64> =
        sqlx::query_scalar("SELECT id FROM tickets WHERE team_id = $1 LIMIT 1")
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?;
    let report: Option<i64> =
        sqlx::query_scalar("SELECT ticket_id FROM report_tickets WHERE team_id = $1 LIMIT 1")
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?;
    let transfer: Option<i64> =
        sqlx::query_scalar("SELECT team_id FROM transfer_teams WHERE team_id = $1")
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(ticket.is_some() || report.is_some() || transfer.is_some())
}
