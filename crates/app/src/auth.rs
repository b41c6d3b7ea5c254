//! Who is calling: logins, sessions, scoped API tokens and first-run setup.
//!
//! Tokens are 32 random bytes shown once; only their SHA-256 is stored, so a
//! stolen database holds no usable token. Passwords are hashed with Argon2id
//! ([`crate::passwords`]); failed logins are slowed by [`crate::throttle`].
//! A request may do what its agent's role allows, narrowed by its token's
//! [`Scope`]; [`Caller::require`] checks both, and every use case calls it.

use crate::passwords::{permit, verify_password};
use crate::throttle::LoginKeys;
use crate::{App, AppError, required_text};
use rapport_core::{
    AgentId, IdentityKind, MAX_IDENTITY_BYTES, Permission, Role, Scope, Timestamp, TokenKind,
    normalize_identity,
};
use rapport_store::{AgentRecord, TokenRecord};
use std::net::IpAddr;

pub use crate::passwords::{MIN_PASSWORD_CHARS, hash_password};

/// The settings key of the one-time setup token's hash.
const SETUP_TOKEN_KEY: &str = "setup_token_sha256";

/// An authenticated agent making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Who.
    pub agent_id: AgentId,
    /// With which role.
    pub role: Role,
    /// How much of the role the token used carries.
    pub scope: Scope,
    /// The token used (to log out).
    pub token_id: i64,
}

impl Caller {
    /// A caller with every right of the role, for the operator's CLI and demo seeding.
    pub fn operator(agent_id: AgentId, role: Role) -> Self {
        Self {
            agent_id,
            role,
            scope: Scope::full(role),
            token_id: 0,
        }
    }

    /// Refuses unless both the caller's role and the token's scope allow the
    /// action. Every use case checks its callers here.
    pub fn require(&self, permission: Permission, action: &str) -> Result<(), AppError> {
        if !self.role.allows(permission) {
            Err(AppError::Forbidden(msg!(
                "error.auth.role_cannot",
                role = with_article(self.role),
                action = action
            )))
        } else if !self.scope.grants(permission) {
            Err(AppError::Forbidden(msg!(
                "error.auth.scope_cannot",
                scope = self.scope.as_str(),
                action = action
            )))
        } else {
            Ok(())
        }
    }
}

/// A token just issued: the secret is in `token`, shown this once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    /// The secret to send as `Authorization: Bearer ...`.
    pub token: String,
    /// Its stored record.
    pub record: TokenRecord,
}

/// A random secret: `prefix` and 64 hex digits.
pub fn random_secret(prefix: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(format!("{prefix}{}", rapport_core::hex::encode(&bytes)))
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    rapport_core::hex::sha256(secret.as_bytes())
}

/// Lower-cases and checks a login e-mail.
pub fn login_email(email: &str) -> Result<String, AppError> {
    normalize_identity(IdentityKind::Email, email)
        .map_err(|m| AppError::invalid("email", crate::core_words::identity_words(&m)))
}

impl App {
    /// Logs in with e-mail and password from a client address; returns the
    /// agent and a session token. Failures slow the client, the account and
    /// the pair down as [`crate::throttle`] describes; the right password from
    /// a client that has not been failing is never refused.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<(AgentRecord, IssuedToken), AppError> {
        let agent = self.check_password(email, password, client).await?;
        let session = self.issue_session(&agent).await?;
        Ok((agent, session))
    }

    /// The password check of every sign-in (API and web pages): the agent
    /// whose e-mail and password these are, with the login throttle applied.
    pub(crate) async fn check_password(
        &self,
        email: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> Result<AgentRecord, AppError> {
        let email = email.trim().to_lowercase();
        if email.len() > MAX_IDENTITY_BYTES {
            return Err(AppError::invalid(
                "email",
                msg!("error.field.max_bytes", max = MAX_IDENTITY_BYTES),
            ));
        }
        if password.len() > crate::passwords::MAX_PASSWORD_BYTES {
            return Err(AppError::Unauthorized("error.auth.wrong_password"));
        }
        let keys = LoginKeys::new(client, &email);
        self.check_login_keys(&keys).await?;
        let permit = permit().await?;
        // Attempts that queued behind a failure from the same client now wait for it.
        self.check_login_keys(&keys).await?;
        let agent = self.store.agent_by_email(&email).await?;
        let hash = agent.as_ref().and_then(|a| a.password_hash.clone());
        let ok = verify_password(&permit, hash, password).await;
        drop(permit);
        match agent {
            Some(agent) if ok && agent.active => {
                self.login_succeeded(&keys).await?;
                Ok(agent)
            }
            _ => {
                self.login_failed(&keys).await?;
                Err(AppError::Unauthorized("error.auth.wrong_password"))
            }
        }
    }

    /// A login session token for an agent, expiring after the configured hours.
    async fn issue_session(&self, agent: &AgentRecord) -> Result<IssuedToken, AppError> {
        let expires = Timestamp::now().plus_seconds(self.config.session_hours * 3600);
        let kind = (TokenKind::Session, Scope::full(agent.role));
        self.issue_token(agent.id, "login session", kind, Some(expires))
            .await
    }

    async fn issue_token(
        &self,
        agent: AgentId,
        name: &str,
        kind: (TokenKind, Scope),
        expires_at: Option<Timestamp>,
    ) -> Result<IssuedToken, AppError> {
        let token = random_secret("rp_")?;
        let record = self
            .store
            .insert_token(agent, name, kind, &secret_hash(&token), expires_at)
            .await?;
        Ok(IssuedToken { token, record })
    }

    /// Resolves a bearer token to its caller, refusing revoked, expired and
    /// deactivated ones.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, AppError> {
        const REFUSED: AppError = AppError::Unauthorized("error.auth.bad_token");
        if !token.starts_with("rp_") || token.len() != 67 {
            return Err(REFUSED);
        }
        let Some((record, agent)) = self.store.token_by_hash(&secret_hash(token)).await? else {
            return Err(REFUSED);
        };
        let expired = record.expires_at.is_some_and(|t| t <= Timestamp::now());
        if record.revoked_at.is_some() || expired || !agent.active {
            return Err(REFUSED);
        }
        // A session carries the full rights of the agent's role as it is now.
        let scope = match record.kind {
            TokenKind::Session => Scope::full(agent.role),
            TokenKind::Api => record.scope,
        };
        Ok(Caller {
            agent_id: agent.id,
            role: agent.role,
            scope,
            token_id: record.id,
        })
    }

    /// Ends the session (or revokes the API token) the caller used.
    pub async fn logout(&self, caller: &Caller) -> Result<(), AppError> {
        Ok(self
            .store
            .revoke_token(caller.agent_id, caller.token_id)
            .await?)
    }

    /// Creates a long-lived API token for the caller, with a scope no wider
    /// than the caller's own token nor than the caller's role allows.
    pub async fn create_api_token(
        &self,
        caller: &Caller,
        name: &str,
        scope: Scope,
        expires_in_days: Option<i64>,
    ) -> Result<IssuedToken, AppError> {
        caller.require(Permission::Work, "create tokens")?;
        let name = required_text("name", name, 100)?;
        if !scope.fits(caller.role) {
            return Err(AppError::Forbidden(msg!(
                "error.auth.role_scope",
                role = with_article(caller.role),
                scope = scope
            )));
        }
        if !caller.scope.covers(scope) {
            return Err(AppError::Forbidden(msg!(
                "error.auth.scope_wider",
                have = caller.scope,
                scope = scope
            )));
        }
        let expires = match expires_in_days {
            Some(d) if !(1..=3650).contains(&d) => {
                return Err(AppError::invalid(
                    "expires_in_days",
                    msg!("error.auth.expiry_days"),
                ));
            }
            Some(d) => Some(Timestamp::now().plus_seconds(d * 86_400)),
            None => None,
        };
        self.issue_token(caller.agent_id, &name, (TokenKind::Api, scope), expires)
            .await
    }

    /// The caller's own tokens.
    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<TokenRecord>, AppError> {
        caller.require(Permission::Read, "list tokens")?;
        Ok(self.store.tokens_of(caller.agent_id).await?)
    }

    /// Revokes one of the caller's own tokens.
    pub async fn revoke_token(&self, caller: &Caller, token_id: i64) -> Result<(), AppError> {
        if token_id != caller.token_id {
            caller.require(Permission::Work, "revoke other tokens")?;
        }
        Ok(self.store.revoke_token(caller.agent_id, token_id).await?)
    }

    /// While no active admin exists, makes a fresh one-time setup token
    /// (replacing any earlier one) and returns it; otherwise `None`.
    pub async fn issue_setup_token(&self) -> Result<Option<String>, AppError> {
        if self.store.active_admins().await? > 0 {
            self.store.delete_setting(SETUP_TOKEN_KEY).await?;
            return Ok(None);
        }
        let token = random_secret("setup_")?;
        self.store
            .put_setting(SETUP_TOKEN_KEY, &secret_hash(&token))
            .await?;
        Ok(Some(token))
    }

    /// Uses the one-time setup token to create the first admin; logs them
    /// in. A wrong token counts as a failure of the client, as a wrong
    /// password does, so guessing is slowed the same way.
    pub async fn complete_setup(
        &self,
        client: Option<IpAddr>,
        setup_token: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<(AgentRecord, IssuedToken), AppError> {
        let client_key = LoginKeys::client_only(client);
        self.check_client_key(&client_key).await?;
        let stored = self.store.setting(SETUP_TOKEN_KEY).await?;
        let matches = stored.is_some_and(|h| constant_time_eq(&h, &secret_hash(setup_token)));
        if !matches || self.store.active_admins().await? > 0 {
            self.record_failures(&[&client_key]).await?;
            return Err(AppError::Unauthorized("error.auth.bad_setup_token"));
        }
        let email = login_email(email)?;
        let name = required_text("name", name, 200)?;
        let hash = hash_password(password).await?;
        // Deleting first makes the token single-use even under a race.
        if !self.store.delete_setting(SETUP_TOKEN_KEY).await? {
            return Err(AppError::Unauthorized("error.auth.bad_setup_token"));
        }
        let agent = self
            .store
            .insert_agent(&email, &name, Role::Admin, Some(&hash))
            .await?;
        let token = self.issue_session(&agent).await?;
        Ok((agent, token))
    }

    /// Sets an agent's password directly (CLI and demo); revokes their sessions.
    pub async fn set_password(&self, agent: AgentId, password: &str) -> Result<(), AppError> {
        let mut record = self.store.agent(agent).await?;
        record.password_hash = Some(hash_password(password).await?);
        self.store.update_agent(&record).await?;
        self.store.revoke_all_tokens(agent).await?;
        self.store.revoke_agent_web_sessions(agent).await?;
        Ok(())
    }

    /// Issues an API token with the full scope of the agent's role, for the
    /// CLI run by the operator.
    pub async fn issue_token_for(
        &self,
        agent: AgentId,
        name: &str,
    ) -> Result<IssuedToken, AppError> {
        let role = self.store.agent(agent).await?.role;
        self.issue_token_with_scope(agent, name, Scope::full(role))
            .await
    }

    /// Issues an API token of a scope for any agent whose role may hold it
    /// (for the CLI run by the operator, e.g. the MTA pipe's `inbound_mail` token).
    pub async fn issue_token_with_scope(
        &self,
        agent: AgentId,
        name: &str,
        scope: Scope,
    ) -> Result<IssuedToken, AppError> {
        let name = required_text("name", name, 100)?;
        let role = self.store.agent(agent).await?.role;
        if !scope.fits(role) {
            return Err(AppError::invalid(
                "scope",
                msg!(
                    "error.auth.role_scope",
                    role = with_article(role),
                    scope = scope
                ),
            ));
        }
        self.issue_token(agent, &name, (TokenKind::Api, scope), None)
            .await
    }
}

/// "an agent", "a lead", "an admin".
fn with_article(role: Role) -> &'static str {
    match role {
        Role::Agent => "an agent",
        Role::Lead => "a lead",
        Role::Admin => "an admin",
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
