//! A lead's coaching overview: for each agent they coach, the scorecard
//! and, in words, where that person could use help. For training, not
//! ranking: agents are listed by name, never by a figure.

use crate::reports::{ReportQuery, Scorecard};
use crate::{App, AppError, Caller};
use rapport_core::{AgentId, Role};
use rapport_store::AgentRecord;
use std::collections::HashSet;

impl App {
    /// Each active agent the caller coaches with their scorecard, by name:
    /// a lead's are the members of the lead's teams, an admin's everyone
    /// (leads and admins only).
    pub async fn coaching_overview(
        &self,
        caller: &Caller,
        query: &ReportQuery,
    ) -> Result<Vec<(AgentRecord, Scorecard)>, AppError> {
        Self::require_lead(caller, "see the coaching overview")?;
        let teams = self.store().teams().await?;
        let coached: HashSet<AgentId> = teams
            .iter()
            .filter(|t| caller.role >= Role::Admin || t.members.contains(&caller.agent_id))
            .flat_map(|t| t.members.iter().copied())
            .collect();
        let mut agents: Vec<AgentRecord> = self
            .store()
            .agents()
            .await?
            .into_iter()
            .filter(|a| a.active && a.id != caller.agent_id)
            .filter(|a| caller.role >= Role::Admin || coached.contains(&a.id))
            .collect();
        agents.sort_by_key(|a| a.name.to_lowercase());
        let mut out = Vec::with_capacity(agents.len());
        for agent in agents {
            let card = self
                .scorecard_among(caller, agent.id, &teams, query)
                .await?;
            out.push((agent, card));
        }
        Ok(out)
    }
}
