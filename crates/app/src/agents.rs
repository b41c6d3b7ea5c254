//! Managing agents: who works the help desk, and with which role.

use crate::auth::login_email;
use crate::passwords::hash_password;
use crate::throttle::account_keys;
use crate::{App, AppError, Caller, required_text};
use rapport_core::{AgentId, Permission, Role};
use rapport_store::{AgentRecord, AuditAction, AuditLine};

/// A change to an agent; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct AgentUpdate {
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate (deactivation revokes every token).
    pub active: Option<bool>,
    /// New password.
    pub password: Option<String>,
    /// Where they are: an IANA zone, or "" for the business zone.
    pub time_zone: Option<String>,
    /// The language they read the workspace in (a code of
    /// [`crate::i18n::LANGS`]), or "" for their browser's.
    pub language: Option<String>,
}

impl App {
    /// Creates an agent (admins only). The password may be set later.
    pub async fn create_agent(
        &self,
        caller: &Caller,
        email: &str,
        name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<AgentRecord, AppError> {
        caller.require(Permission::ManageAgents, "create agents")?;
        self.create_agent_unchecked(email, name, role, password)
            .await
    }

    /// An agent by login e-mail, for the operator's CLI (shell access is the authorization).
    pub async fn operator_agent_by_email(
        &self,
        email: &str,
    ) -> Result<Option<AgentRecord>, AppError> {
        Ok(self.store().agent_by_email(email).await?)
    }

    /// Every agent, for the operator's CLI.
    pub async fn operator_agents(&self) -> Result<Vec<AgentRecord>, AppError> {
        Ok(self.store().agents().await?)
    }

    /// Creates an agent without a caller: for the operator's CLI and demo seeding.
    pub async fn create_agent_unchecked(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: Option<&str>,
    ) -> Result<AgentRecord, AppError> {
        let email = login_email(email)?;
        let name = required_text("name", name, 200)?;
        let hash = match password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        self.store
            .insert_agent(&email, &name, role, hash.as_deref())
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => {
                    AppError::Conflict(msg!("error.agents.email_taken", email = email))
                }
                other => other,
            })
    }

    /// Every agent (any agent may see the roster).
    pub async fn agents(&self, caller: &Caller) -> Result<Vec<AgentRecord>, AppError> {
        caller.require(Permission::Read, "list agents")?;
        Ok(self.store.agents().await?)
    }

    /// One agent; any token may read its own agent.
    pub async fn agent(&self, caller: &Caller, id: AgentId) -> Result<AgentRecord, AppError> {
        if id != caller.agent_id {
            caller.require(Permission::Read, "read agents")?;
        }
        Ok(self.store.agent(id).await?)
    }

    /// Changes an agent. Admins change anyone; agents may change only their
    /// own name, password, time zone and language. The last active admin cannot be demoted or
    /// deactivated, even by two admins at the same moment (the store checks
    /// and writes in one statement under lock).
    pub async fn update_agent(
        &self,
        caller: &Caller,
        id: AgentId,
        update: AgentUpdate,
    ) -> Result<AgentRecord, AppError> {
        caller.require(Permission::Work, "change agents")?;
        let own = caller.agent_id == id;
        let admin_only = update.role.is_some() || update.active.is_some();
        if !own || admin_only {
            caller.require(
                Permission::ManageAgents,
                "change other agents, roles or activation",
            )?;
        }
        let mut agent = self.store.agent(id).await?;
        if let Some(name) = &update.name {
            agent.name = required_text("name", name, 200)?;
        }
        if let Some(role) = update.role {
            agent.role = role;
        }
        if let Some(zone) = &update.time_zone {
            agent.time_zone = match zone.trim() {
                "" => None,
                zone => {
                    jiff::tz::TimeZone::get(zone).map_err(|_| {
                        AppError::invalid(
                            "time_zone",
                            msg!("error.agents.bad_zone", zone = format!("{zone:?}")),
                        )
                    })?;
                    Some(zone.to_string())
                }
            };
        }
        if let Some(code) = &update.language {
            agent.language =
                crate::i18n::Lang::parse_setting("language", code)?.map(|l| l.to_string());
        }
        let deactivated = update.active == Some(false);
        if let Some(active) = update.active {
            agent.active = active;
        }
        let new_password = update.password.is_some();
        if let Some(password) = &update.password {
            agent.password_hash = Some(hash_password(password).await?);
        }
        let saved = self.store.update_agent(&agent).await?;
        if deactivated || new_password {
            self.store.revoke_all_tokens(id).await?;
            self.store.revoke_agent_web_sessions(id).await?;
        }
        Ok(saved)
    }
}

impl App {
    /// An admin sets another agent's password (checked by the same rules
    /// as everywhere). Every session and API token of theirs is revoked,
    /// the failed-login throttle counted against their account is cleared,
    /// and the reset is recorded (who, whom, when). An admin's own password
    /// is not reset here: that would sign them out with no warning; they
    /// change it as any agent changes their own.
    pub async fn reset_password(
        &self,
        caller: &Caller,
        id: AgentId,
        password: &str,
    ) -> Result<AuditLine, AppError> {
        caller.require(Permission::ManageAgents, "reset other agents' passwords")?;
        if id == caller.agent_id {
            return Err(AppError::Conflict(msg!("error.agents.own_password")));
        }
        let mut agent = self.store.agent(id).await?;
        agent.password_hash = Some(hash_password(password).await?);
        self.store.update_agent(&agent).await?;
        self.store.revoke_all_tokens(id).await?;
        self.store.revoke_agent_web_sessions(id).await?;
        let (account, pairs) = account_keys(&agent.email);
        self.store.clear_throttle_keys(&[&account], &pairs).await?;
        let line = self
            .store
            .record_audit(caller.agent_id, id, AuditAction::PasswordReset)
            .await?;
        tracing::info!(
            by = caller.agent_id.0,
            agent = id.0,
            "an admin reset an agent's password"
        );
        Ok(line)
    }

    /// The latest audit lines about an agent (admins), newest first.
    pub async fn agent_audit(
        &self,
        caller: &Caller,
        id: AgentId,
    ) -> Result<Vec<AuditLine>, AppError> {
        caller.require(Permission::ManageAgents, "read the agents' audit")?;
        self.store.agent(id).await?;
        Ok(self.store.audit_of(id, AUDIT_SHOWN).await?)
    }
}

/// Audit lines read about one agent.
const AUDIT_SHOWN: i64 = 20;
