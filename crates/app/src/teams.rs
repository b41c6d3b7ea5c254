//! Teams: the queues tickets wait in and the agents who work them.

use crate::error::missing_as;
use crate::{App, AppError, Caller, required_text};
use rapport_core::{Actor, AgentId, EventKind, Permission, Status, TeamId};
use rapport_store::{TeamBlockers, TeamRecord, TeamRemoval, TeamState, TicketChange, WriteTx};

impl App {
    /// Creates a team (leads and admins).
    pub async fn create_team(&self, caller: &Caller, name: &str) -> Result<TeamRecord, AppError> {
        caller.require(Permission::ManageTeams, "create teams")?;
        let name = required_text("name", name, 100)?;
        self.store
            .insert_team(&name)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => {
                    AppError::Conflict(msg!("error.teams.name_taken", name = format!("{name:?}")))
                }
                other => other,
            })
    }

    /// Every team.
    pub async fn teams(&self, caller: &Caller) -> Result<Vec<TeamRecord>, AppError> {
        caller.require(Permission::Read, "list teams")?;
        Ok(self.store.teams().await?)
    }

    /// One team.
    pub async fn team(&self, caller: &Caller, id: TeamId) -> Result<TeamRecord, AppError> {
        caller.require(Permission::Read, "read teams")?;
        Ok(self.store.team(id).await?)
    }

    /// Renames a team or replaces its members (leads and admins).
    pub async fn update_team(
        &self,
        caller: &Caller,
        id: TeamId,
        name: Option<&str>,
        members: Option<&[AgentId]>,
    ) -> Result<TeamRecord, AppError> {
        caller.require(Permission::ManageTeams, "change teams")?;
        let name = name.map(|n| required_text("name", n, 100)).transpose()?;
        if let Some(members) = members {
            for agent in members {
                self.store.agent(*agent).await.map_err(missing_as(
                    "members",
                    msg!("error.agents.no_agent", id = agent),
                ))?;
            }
        }
        self.store
            .update_team(id, name.as_deref(), members)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict(msg!("error.teams.other_has_name")),
                other => other,
            })
    }

    /// Deletes a team (leads and admins, like its other changes). Refused
    /// with what blocks it (a conflict) while tickets that are not solved
    /// or closed wait in its queue or a response-target policy names it.
    /// A team that solved or closed tickets (or their history) still name
    /// is archived, its name kept on them; any other is deleted outright.
    pub async fn delete_team(&self, caller: &Caller, id: TeamId) -> Result<TeamRemoval, AppError> {
        caller.require(Permission::ManageTeams, "delete teams")?;
        let removal = self.store.remove_team(id).await?;
        if let TeamRemoval::Blocked(blockers) = &removal {
            return Err(AppError::Conflict(blocked(blockers)));
        }
        tracing::info!(team = id.0, by = caller.agent_id.0, outcome = ?removal, "team deleted");
        Ok(removal)
    }
}

/// Holds the team a change moves a ticket into until the transaction ends
/// (see [`WriteTx::lock_team`]), refusing a team that is gone or was
/// deleted (archived) meanwhile: a deletion and a transfer serialize, so no
/// ticket lands in an archived team and no team is archived under a ticket.
pub(crate) async fn lock_receiving_team(tx: &mut WriteTx, team: TeamId) -> Result<(), AppError> {
    match tx.lock_team(team).await? {
        TeamState::Open => Ok(()),
        TeamState::Missing => Err(AppError::invalid(
            "team_id",
            msg!("error.tickets.no_team", team = team),
        )),
        TeamState::Archived(_) => Err(AppError::invalid(
            "team_id",
            msg!("error.teams.archived", team = team),
        )),
    }
}

/// After a change that reopened a ticket (solved, then the customer wrote
/// or an agent reopened it): a ticket whose team was deleted meanwhile
/// (archived) goes to the general queue, where intake puts new tickets,
/// recorded as a transfer by the system with a hand-off note. Its owner
/// stays. Runs in the change's transaction; `change` then holds both.
pub(crate) async fn reroute_reopened(
    tx: &mut WriteTx,
    change: &mut TicketChange,
) -> Result<(), AppError> {
    let reopened = change.events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::StatusChanged {
                from: Status::Solved,
                to: Status::Open | Status::New,
            }
        )
    });
    let Some(team) = change.ticket.team_id.filter(|_| reopened) else {
        return Ok(());
    };
    let TeamState::Archived(name) = tx.lock_team(team).await? else {
        return Ok(());
    };
    let key = "system.reroute_note";
    let note = crate::i18n::Lang::En.fill(key, &[("team", name.as_str())]);
    let words = rapport_core::NoteWords {
        key: key.to_string(),
        values: vec![("team".to_string(), name)],
    };
    let owner = change.ticket.owner_id;
    let moved = tx
        .change_ticket(change.ticket.id, Actor::System, None, move |_, _| {
            Ok::<_, AppError>(vec![EventKind::Transferred {
                from_agent: owner,
                to_agent: owner,
                from_team: Some(team),
                to_team: None,
                note,
                words: Some(words),
            }])
        })
        .await?;
    tracing::info!(
        ticket = change.ticket.id.0,
        team = team.0,
        "reopened ticket left its archived team"
    );
    change.ticket = moved.ticket;
    change.events.extend(moved.events);
    if moved.clocks.is_some() {
        change.clocks = moved.clocks;
    }
    Ok(())
}

/// The sentence of a refused team deletion: what blocks it and what to do.
fn blocked(b: &TeamBlockers) -> crate::Msg {
    let mut reasons = Vec::new();
    if b.open_tickets > 0 {
        let mut named: Vec<String> = b.sample.iter().map(|t| format!("#{}", t.0)).collect();
        if b.open_tickets > b.sample.len() as i64 {
            named.push("…".into());
        }
        let tickets = named.join(", ");
        reasons.push(if b.open_tickets == 1 {
            msg!("error.teams.blocked_ticket", tickets = tickets)
        } else {
            msg!(
                "error.teams.blocked_tickets",
                count = b.open_tickets,
                tickets = tickets
            )
        });
    }
    if !b.policies.is_empty() {
        let names: Vec<String> = b.policies.iter().map(|p| format!("{p:?}")).collect();
        let policies = names.join(", ");
        reasons.push(if names.len() == 1 {
            msg!("error.teams.blocked_policy", policies = policies)
        } else {
            msg!("error.teams.blocked_policies", policies = policies)
        });
    }
    msg!("error.teams.blocked").with_list("reasons", reasons)
}
