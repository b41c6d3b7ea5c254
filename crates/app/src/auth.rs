//! Who is calling: passwords, login sessions, API tokens and first-run setup.
//!
//! Tokens are 32 random bytes shown once; only their SHA-256 is stored, so a
//! stolen database holds no usable token. Passwords are hashed with Argon2id.

use crate::{App, AppError, required_text};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rapport_core::{AgentId, IdentityKind, Permission, Role, Timestamp, normalize_identity};
use rapport_store::{AgentRecord, TokenRecord};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Failed logins for one address before it is locked for a while.
const MAX_FAILED_LOGINS: u32 = 10;
/// How long an address stays locked.
const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// The settings key of the one-time setup token's hash.
const SETUP_TOKEN_KEY: &str = "setup_token_sha256";

/// An authenticated agent making a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Who.
    pub agent_id: AgentId,
    /// With which role.
    pub role: Role,
    /// The token used (to log out).
    pub token_id: i64,
}

impl Caller {
    /// Refuses unless the caller's role allows the action.
    pub fn require(&self, permission: Permission, action: &str) -> Result<(), AppError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "an {} cannot {action}",
                self.role.as_str()
            )))
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

/// Counts failed logins per address, in memory.
#[derive(Clone, Default)]
pub(crate) struct LoginGuard(Arc<Mutex<HashMap<String, (u32, Instant)>>>);

impl LoginGuard {
    fn locked(&self, email: &str) -> bool {
        let Ok(mut map) = self.0.lock() else {
            return false;
        };
        match map.get(email) {
            Some((n, since)) if *n >= MAX_FAILED_LOGINS && since.elapsed() < LOCKOUT => true,
            Some((_, since)) if since.elapsed() >= LOCKOUT => {
                map.remove(email);
                false
            }
            _ => false,
        }
    }

    fn failed(&self, email: &str) {
        if let Ok(mut map) = self.0.lock() {
            let entry = map.entry(email.to_string()).or_insert((0, Instant::now()));
            entry.0 += 1;
            entry.1 = Instant::now();
        }
    }

    fn succeeded(&self, email: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(email);
        }
    }
}

/// Hashes a password with Argon2id and a random salt.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    check_password(password)?;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| AppError::Internal(e.to_string()))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

fn check_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.len() > 1024 {
        return Err(AppError::invalid(
            "password",
            "must have at most 1024 bytes",
        ));
    }
    Ok(())
}

/// A random secret: `prefix` and 64 hex digits.
pub fn random_secret(prefix: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut out = String::with_capacity(prefix.len() + 64);
    out.push_str(prefix);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    Ok(out)
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    rapport_store::sha256_hex(secret.as_bytes())
}

/// Lower-cases and checks a login e-mail.
pub fn login_email(email: &str) -> Result<String, AppError> {
    normalize_identity(IdentityKind::Email, email).map_err(|m| AppError::invalid("email", m))
}

impl App {
    /// Logs in with e-mail and password; returns the agent and a session token.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
    ) -> Result<(AgentRecord, IssuedToken), AppError> {
        let email = email.trim().to_lowercase();
        if self.login_guard.locked(&email) {
            return Err(AppError::TooManyAttempts(
                "too many failed logins for this address; try again in 15 minutes".into(),
            ));
        }
        let agent = self.store.agent_by_email(&email).await?;
        let ok = match agent.as_ref().and_then(|a| a.password_hash.clone()) {
            Some(hash) => verify_password(hash, password.to_string()).await,
            None => {
                // Same work for unknown addresses, so timing does not tell which exist.
                let _ = verify_password(DUMMY_HASH.to_string(), password.to_string()).await;
                false
            }
        };
        match agent {
            Some(agent) if ok && agent.active => {
                self.login_guard.succeeded(&email);
                let session = self.issue_session(&agent).await?;
                Ok((agent, session))
            }
            _ => {
                self.login_guard.failed(&email);
                Err(AppError::Unauthorized("wrong e-mail or password"))
            }
        }
    }

    /// A login session token for an agent, expiring after the configured hours.
    async fn issue_session(&self, agent: &AgentRecord) -> Result<IssuedToken, AppError> {
        let expires = Timestamp::now().plus_seconds(self.config.session_hours * 3600);
        self.issue_token(agent.id, "login session", "session", Some(expires))
            .await
    }

    async fn issue_token(
        &self,
        agent: AgentId,
        name: &str,
        kind: &str,
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
        const REFUSED: AppError = AppError::Unauthorized("invalid, expired or revoked token");
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
        Ok(Caller {
            agent_id: agent.id,
            role: agent.role,
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

    /// Creates a long-lived API token for the caller.
    pub async fn create_api_token(
        &self,
        caller: &Caller,
        name: &str,
        expires_in_days: Option<i64>,
    ) -> Result<IssuedToken, AppError> {
        let name = required_text("name", name, 100)?;
        let expires = match expires_in_days {
            Some(d) if !(1..=3650).contains(&d) => {
                return Err(AppError::invalid(
                    "expires_in_days",
                    "must be from 1 to 3650",
                ));
            }
            Some(d) => Some(Timestamp::now().plus_seconds(d * 86_400)),
            None => None,
        };
        self.issue_token(caller.agent_id, &name, "api", expires)
            .await
    }

    /// The caller's own tokens.
    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<TokenRecord>, AppError> {
        Ok(self.store.tokens_of(caller.agent_id).await?)
    }

    /// Revokes one of the caller's own tokens.
    pub async fn revoke_token(&self, caller: &Caller, token_id: i64) -> Result<(), AppError> {
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

    /// Uses the one-time setup token to create the first admin; logs them in.
    pub async fn complete_setup(
        &self,
        setup_token: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<(AgentRecord, IssuedToken), AppError> {
        let stored = self.store.setting(SETUP_TOKEN_KEY).await?;
        let matches = stored.is_some_and(|h| constant_time_eq(&h, &secret_hash(setup_token)));
        if !matches || self.store.active_admins().await? > 0 {
            return Err(AppError::Unauthorized("invalid or used setup token"));
        }
        let email = login_email(email)?;
        let name = required_text("name", name, 200)?;
        let hash = hash_password(password).await?;
        // Deleting first makes the token single-use even under a race.
        if !self.store.delete_setting(SETUP_TOKEN_KEY).await? {
            return Err(AppError::Unauthorized("invalid or used setup token"));
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
        Ok(())
    }

    /// Issues an API token for any agent, for the CLI run by the operator.
    pub async fn issue_token_for(
        &self,
        agent: AgentId,
        name: &str,
    ) -> Result<IssuedToken, AppError> {
        let name = required_text("name", name, 100)?;
        self.issue_token(agent, &name, "api", None).await
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A valid Argon2 hash of a random string, verified against for unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9r7Tn3mq0F8I4O2Yx6e0mCk9aYgK5kF1oZz6sQk0u9Y";
