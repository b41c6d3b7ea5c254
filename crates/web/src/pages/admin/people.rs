//! `/app/admin/agents`: every agent with role, teams and whether they may
//! sign in; admins create agents, change roles, deactivate and reactivate
//! them, and set another agent's password. Teams with their members; leads
//! and admins create, rename, staff and delete them. The same use cases as
//! `/api/v1/agents` and `/api/v1/teams`.

use super::{Done, done, noticed, refused_in, staff_only};
use crate::extract::{Id, Query};
use crate::pages::render::{Chrome, PageError, page};
use crate::pages::session::AgentPage;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use rapport_app::AppError;
use rapport_app::TeamRemoval;
use rapport_app::agents::AgentUpdate;
use rapport_core::{AgentId, Permission, Role, TeamId};
use serde::Deserialize;

/// What this page's forms report when they worked.
const DONE: &[(&str, &str)] = &[
    ("agent-created", "people.done.agent_created"),
    ("agent-changed", "people.done.agent_changed"),
    ("team-created", "people.done.team_created"),
    ("team-renamed", "people.done.team_renamed"),
    ("members", "people.done.members"),
    ("password-reset", "people.done.password_reset"),
    ("team-deleted", "people.done.team_deleted"),
    ("team-archived", "people.done.team_archived"),
];

/// A role's catalogue key.
fn role_key(role: &str) -> &'static str {
    match role {
        "admin" => "role.admin",
        "lead" => "role.lead",
        _ => "role.agent",
    }
}

/// An agent as the table shows it.
struct AgentRow {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    role_key: &'static str,
    teams: String,
    active: bool,
    me: bool,
}

/// A team as the page shows it.
struct TeamRow {
    id: i64,
    name: String,
    members: Vec<(i64, String, bool)>,
}

#[derive(Template)]
#[template(path = "admin_people.html")]
struct PeoplePage {
    chrome: Chrome,
    admin: bool,
    /// (wire name, catalogue key).
    roles: [(&'static str, &'static str); 3],
    agents: Vec<AgentRow>,
    teams: Vec<TeamRow>,
}

async fn render(
    s: &AppState,
    agent: AgentPage,
    status: StatusCode,
    chrome: Chrome,
) -> Result<Response, PageError> {
    let agents = s.app.agents(&agent.caller).await?;
    let teams = s.app.teams(&agent.caller).await?;
    let name_of = |id: AgentId| {
        agents
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| format!("#{}", id.0), |a| a.name.clone())
    };
    let rows = agents
        .iter()
        .map(|a| AgentRow {
            id: a.id.0,
            name: a.name.clone(),
            email: a.email.clone(),
            role: a.role.as_str(),
            role_key: role_key(a.role.as_str()),
            teams: teams
                .iter()
                .filter(|t| t.members.contains(&a.id))
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            active: a.active,
            me: a.id == agent.caller.agent_id,
        })
        .collect();
    let team_rows = teams
        .iter()
        .map(|t| TeamRow {
            id: t.id.0,
            name: t.name.clone(),
            members: agents
                .iter()
                .filter(|a| a.active || t.members.contains(&a.id))
                .map(|a| (a.id.0, name_of(a.id), t.members.contains(&a.id)))
                .collect(),
        })
        .collect();
    let template = PeoplePage {
        chrome,
        admin: agent.caller.role.allows(Permission::ManageAgents),
        roles: ["agent", "lead", "admin"].map(|r| (r, role_key(r))),
        agents: rows,
        teams: team_rows,
    };
    Ok(page(status, &template))
}

/// The page shown again after a refused form, with the refusal above it.
async fn again(s: &AppState, agent: AgentPage, error: AppError) -> Result<Response, PageError> {
    let (status, chrome) = refused_in(&agent.chrome, error);
    render(s, agent, status, chrome).await
}

/// Agents and teams.
pub async fn show(
    State(s): State<AppState>,
    agent: AgentPage,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let chrome = noticed(agent.chrome.clone(), q.done.as_deref(), DONE);
    render(&s, agent, StatusCode::OK, chrome).await
}

/// The new-agent form.
#[derive(Debug, Deserialize)]
pub struct NewAgentForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

fn role(text: &str) -> Result<Role, AppError> {
    text.parse::<Role>()
        .map_err(|_| AppError::invalid("role", rapport_app::msg!("error.page.role")))
}

/// Creates an agent (admins).
pub async fn create_agent(
    State(s): State<AppState>,
    agent: AgentPage,
    Form(form): Form<NewAgentForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let password = Some(form.password.as_str()).filter(|p| !p.is_empty());
    let created = match role(&form.role) {
        Ok(role) => {
            s.app
                .create_agent(&agent.caller, &form.email, &form.name, role, password)
                .await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(_) => Ok(done("/app/admin/agents", "agent-created")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// A change to an agent: a new role, or active on or off.
#[derive(Debug, Deserialize)]
pub struct AgentChangeForm {
    role: Option<String>,
    active: Option<String>,
}

/// Changes an agent's role or whether they may sign in (admins).
pub async fn change_agent(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<AgentChangeForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let update = (|| {
        let role = form.role.as_deref().map(role).transpose()?;
        let active = match form.active.as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                return Err(AppError::invalid(
                    "active",
                    rapport_app::msg!("error.page.true_false"),
                ));
            }
        };
        if role.is_none() && active.is_none() {
            return Err(AppError::invalid(
                "role",
                rapport_app::msg!("error.page.choose_role"),
            ));
        }
        Ok(AgentUpdate {
            name: None,
            role,
            active,
            password: None,
            time_zone: None,
            language: None,
        })
    })();
    let changed = match update {
        Ok(update) => s.app.update_agent(&agent.caller, AgentId(id), update).await,
        Err(e) => Err(e),
    };
    match changed {
        Ok(_) => Ok(done("/app/admin/agents", "agent-changed")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// A team's name.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
}

/// Creates a team (leads and admins).
pub async fn create_team(
    State(s): State<AppState>,
    agent: AgentPage,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match s.app.create_team(&agent.caller, &form.name).await {
        Ok(_) => Ok(done("/app/admin/agents", "team-created")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// Renames a team (leads and admins).
pub async fn rename_team(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<TeamForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match s
        .app
        .update_team(&agent.caller, TeamId(id), Some(&form.name), None)
        .await
    {
        Ok(_) => Ok(done("/app/admin/agents", "team-renamed")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// Replaces a team's members with the ticked agents (leads and admins).
pub async fn members(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    body: Bytes,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let ticked: Result<Vec<AgentId>, AppError> = crate::pages::url_decoded(&body)
        .filter(|(k, _)| k == "member")
        .map(|(_, v)| {
            v.parse::<i64>()
                .map(AgentId)
                .map_err(|_| AppError::invalid("member", rapport_app::msg!("error.page.not_agent")))
        })
        .collect();
    let saved = match ticked {
        Ok(ticked) => {
            s.app
                .update_team(&agent.caller, TeamId(id), None, Some(&ticked))
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(done("/app/admin/agents", "members")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// An admin's new password for another agent.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// Sets another agent's password (admins): their sessions end, their
/// failed-login throttle is cleared, and the reset is recorded.
pub async fn reset_password(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    match s
        .app
        .reset_password(&agent.caller, AgentId(id), &form.password)
        .await
    {
        Ok(_) => Ok(done("/app/admin/agents", "password-reset")),
        Err(e) => again(&s, agent, e).await,
    }
}

/// The team deletion's confirmation box.
#[derive(Debug, Deserialize)]
pub struct DeleteTeamForm {
    confirm: Option<String>,
}

/// Deletes a team (leads and admins) once the box is ticked; a refusal
/// says what blocks it.
pub async fn delete_team(
    State(s): State<AppState>,
    agent: AgentPage,
    Id(id): Id,
    Form(form): Form<DeleteTeamForm>,
) -> Result<Response, PageError> {
    staff_only(&agent)?;
    let deleted = if form.confirm.as_deref() == Some("yes") {
        s.app.delete_team(&agent.caller, TeamId(id)).await
    } else {
        Err(AppError::invalid(
            "confirm",
            rapport_app::msg!("error.page.confirm_delete"),
        ))
    };
    match deleted {
        Ok(TeamRemoval::Archived) => Ok(done("/app/admin/agents", "team-archived")),
        Ok(_) => Ok(done("/app/admin/agents", "team-deleted")),
        Err(e) => again(&s, agent, e).await,
    }
}
