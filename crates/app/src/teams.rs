//! Teams: the queues tickets wait in and the agents who work them.

use crate::error::missing_as;
use crate::{App, AppError, Caller, required_text};
use rapport_core::{AgentId, Permission, TeamId};
use rapport_store::TeamRecord;

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
                    AppError::Conflict(format!("a team named {name:?} already exists"))
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
                    format!("agent {agent} does not exist"),
                ))?;
            }
        }
        self.store
            .update_team(id, name.as_deref(), members)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict("another team has that name".into()),
                other => other,
            })
    }

    /// Deletes a team no ticket refers to (admins).
    pub async fn delete_team(&self, caller: &Caller, id: TeamId) -> Result<(), AppError> {
        caller.require(Permission::DeleteRecords, "delete teams")?;
        self.store
            .delete_team(id)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => {
                    AppError::Conflict("tickets still sit in this team; transfer them first".into())
                }
                other => other,
            })
    }
}
