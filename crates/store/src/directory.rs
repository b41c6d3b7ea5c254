//! Agents, teams, tokens and settings.

use crate::rows::parse;
use crate::{Backend, Store, StoreError};
use rapport_core::{AgentId, Role, Scope, TeamId, Timestamp, TokenKind};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A stored agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRecord {
    /// Its id.
    pub id: AgentId,
    /// Login e-mail, lower-case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2 PHC string; none until a password is set.
    pub password_hash: Option<String>,
    /// Whether the agent may log in.
    pub active: bool,
    /// When created.
    pub created_at: Timestamp,
    /// Where they are (IANA zone), for the times in their notifications and
    /// mail; none: the business zone.
    pub time_zone: Option<String>,
    /// The language they read the workspace in (`en`, `de`); none: their
    /// browser's.
    pub language: Option<String>,
}

/// A stored team with its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRecord {
    /// Its id.
    pub id: TeamId,
    /// Unique name.
    pub name: String,
    /// Members.
    pub members: Vec<AgentId>,
    /// Its lead: who follows up its recovery tasks (none: the admins).
    pub lead: Option<AgentId>,
    /// When created.
    pub created_at: Timestamp,
    /// When it was deleted while solved or closed tickets still named it
    /// (kept for their history; out of the team list).
    pub archived_at: Option<Timestamp>,
}

/// A stored API or session token (never the token itself, only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub agent_id: AgentId,
    /// What it is for.
    pub name: String,
    /// A login session or an API token.
    pub kind: TokenKind,
    /// How much of the agent's rights it carries.
    pub scope: Scope,
    /// When created.
    pub created_at: Timestamp,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// When revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

const AGENT_COLUMNS: &str =
    "id, email, name, role, password_hash, active, created_at, time_zone, language";
const TOKEN_COLUMNS: &str = "id, agent_id, name, kind, scope, created_at, expires_at, revoked_at";

fn agent(row: &AnyRow) -> Result<AgentRecord, StoreError> {
    Ok(AgentRecord {
        id: AgentId(row.try_get("id")?),
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: parse(&row.try_get::<String, _>("role")?)?,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: Timestamp(row.try_get("created_at")?),
        time_zone: row.try_get("time_zone")?,
        language: row.try_get("language")?,
    })
}

fn token(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: row.try_get("id")?,
        agent_id: AgentId(row.try_get("agent_id")?),
        name: row.try_get("name")?,
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        scope: parse(&row.try_get::<String, _>("scope")?)?,
        created_at: Timestamp(row.try_get("created_at")?),
        expires_at: row.try_get::<Option<i64>, _>("expires_at")?.map(Timestamp),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(Timestamp),
    })
}

impl Store {
    /// Creates an agent.
    pub async fn insert_agent(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
    ) -> Result<AgentRecord, StoreError> {
        let now = Timestamp::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agents (email, name, role, password_hash, active, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now.0)
        .fetch_one(&self.write)
        .await?;
        self.agent_on_writer(AgentId(id)).await
    }

    async fn agent_on_writer(&self, id: AgentId) -> Result<AgentRecord, StoreError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.write)
            .await?
            .ok_or(StoreError::NotFound("agent"))?;
        agent(&row)
    }

    /// Reads an agent.
    pub async fn agent(&self, id: AgentId) -> Result<AgentRecord, StoreError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("agent"))?;
        agent(&row)
    }

    /// Finds an agent by login e-mail (already lower-cased).
    pub async fn agent_by_email(&self, email: &str) -> Result<Option<AgentRecord>, StoreError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents WHERE email = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(email)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(agent).transpose()
    }

    /// Every agent, by id.
    pub async fn agents(&self) -> Result<Vec<AgentRecord>, StoreError> {
        let sql = format!("SELECT {AGENT_COLUMNS} FROM agents ORDER BY id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(agent).collect()
    }

    /// Writes an agent's changeable fields, refusing (as a conflict) a change
    /// that would leave no active admin. The check and the write are one
    /// statement; on PostgreSQL the active admins' rows are locked first, so
    /// two admins demoting or deactivating each other at the same moment
    /// cannot both succeed (SQLite has a single writer).
    pub async fn update_agent(&self, a: &AgentRecord) -> Result<AgentRecord, StoreError> {
        let mut tx = self.write.begin().await?;
        if self.backend == Backend::Postgres {
            sqlx::query(
                "SELECT id FROM agents WHERE role = 'admin' AND active = 1 ORDER BY id FOR UPDATE",
            )
            .fetch_all(&mut *tx)
            .await?;
        }
        let old_name: Option<String> = sqlx::query_scalar("SELECT name FROM agents WHERE id = $1")
            .bind(a.id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE agents SET name = $1, role = $2, password_hash = $3, active = $4, time_zone = $6, language = $7 WHERE id = $5 \
             AND (($2 = 'admin' AND $4 = 1) OR NOT (role = 'admin' AND active = 1) \
             OR EXISTS (SELECT 1 FROM agents o WHERE o.role = 'admin' AND o.active = 1 AND o.id <> $5))",
        )
        .bind(&a.name)
        .bind(a.role.as_str())
        .bind(&a.password_hash)
        .bind(i64::from(a.active))
        .bind(a.id.0)
        .bind(&a.time_zone)
        .bind(&a.language)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE id = $1")
                .bind(a.id.0)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "this is the last active admin; make another admin first".into(),
                ),
                None => StoreError::NotFound("agent"),
            });
        }
        if old_name.as_deref() != Some(a.name.as_str()) {
            crate::search_feed::agent_renamed(&mut tx, a.id).await?;
        }
        tx.commit().await?;
        self.agent_on_writer(a.id).await
    }

    /// How many active admins there are.
    pub async fn active_admins(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM agents WHERE role = 'admin' AND active = 1")
                .fetch_one(&self.write)
                .await?,
        )
    }

    /// Stores a token's hash.
    pub async fn insert_token(
        &self,
        agent_id: AgentId,
        name: &str,
        (kind, scope): (TokenKind, Scope),
        token_hash: &str,
        expires_at: Option<Timestamp>,
    ) -> Result<TokenRecord, StoreError> {
        let sql = format!(
            "INSERT INTO api_tokens (agent_id, name, kind, scope, token_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {TOKEN_COLUMNS}"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(agent_id.0)
            .bind(name)
            .bind(kind.as_str())
            .bind(scope.as_str())
            .bind(token_hash)
            .bind(Timestamp::now().0)
            .bind(expires_at.map(|t| t.0))
            .fetch_one(&self.write)
            .await?;
        token(&row)
    }

    /// Finds a token by its hash, with its agent, in one query.
    pub async fn token_by_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(TokenRecord, AgentRecord)>, StoreError> {
        let row = sqlx::query(
            "SELECT t.id, t.agent_id, t.name, t.kind, t.scope, t.created_at, t.expires_at, t.revoked_at, \
             a.email AS a_email, a.name AS a_name, a.role AS a_role, a.password_hash AS a_password_hash, \
             a.active AS a_active, a.created_at AS a_created_at, a.time_zone AS a_time_zone, \
             a.language AS a_language FROM api_tokens t JOIN agents a ON a.id = t.agent_id WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.read)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let record = token(&row)?;
        let agent = AgentRecord {
            id: record.agent_id,
            email: row.try_get("a_email")?,
            name: row.try_get("a_name")?,
            role: parse(&row.try_get::<String, _>("a_role")?)?,
            password_hash: row.try_get("a_password_hash")?,
            active: row.try_get::<i64, _>("a_active")? != 0,
            created_at: Timestamp(row.try_get("a_created_at")?),
            time_zone: row.try_get("a_time_zone")?,
            language: row.try_get("a_language")?,
        };
        Ok(Some((record, agent)))
    }

    /// An agent's tokens, newest first.
    pub async fn tokens_of(&self, agent_id: AgentId) -> Result<Vec<TokenRecord>, StoreError> {
        let sql =
            format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE agent_id = $1 ORDER BY id DESC");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(agent_id.0)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(token).collect()
    }

    /// Revokes one of an agent's tokens.
    pub async fn revoke_token(&self, agent_id: AgentId, token_id: i64) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND agent_id = $3 AND revoked_at IS NULL",
        )
        .bind(Timestamp::now().0)
        .bind(token_id)
        .bind(agent_id.0)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("token"));
        }
        Ok(())
    }

    /// Revokes every token an agent has (deactivation, password change).
    pub async fn revoke_all_tokens(&self, agent_id: AgentId) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE agent_id = $2 AND revoked_at IS NULL",
        )
        .bind(Timestamp::now().0)
        .bind(agent_id.0)
        .execute(&self.write)
        .await?
        .rows_affected())
    }

    /// Reads a setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.write)
                .await?,
        )
    }

    /// Writes a setting.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// A setting, stored first if missing; when two servers race, both get the first value written.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .execute(&self.write)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(key)
                .fetch_one(&self.write)
                .await?,
        )
    }

    /// Removes a setting; says whether it was there.
    pub async fn delete_setting(&self, key: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(&self.write)
            .await?
            .rows_affected()
            > 0)
    }

    /// Creates a team.
    pub async fn insert_team(&self, name: &str) -> Result<TeamRecord, StoreError> {
        let now = Timestamp::now();
        let id: i64 =
            sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
                .bind(name)
                .bind(now.0)
                .fetch_one(&self.write)
                .await?;
        Ok(TeamRecord {
            id: TeamId(id),
            name: name.to_string(),
            members: Vec::new(),
            lead: None,
            created_at: now,
            archived_at: None,
        })
    }

    /// Every team with its members.
    pub async fn teams(&self) -> Result<Vec<TeamRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, lead_agent_id, created_at, archived_at FROM teams \
             WHERE archived_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.read)
        .await?;
        let members =
            sqlx::query("SELECT team_id, agent_id FROM team_members ORDER BY team_id, agent_id")
                .fetch_all(&self.read)
                .await?;
        let mut teams = rows
            .iter()
            .map(|row| {
                Ok(TeamRecord {
                    id: TeamId(row.try_get("id")?),
                    name: row.try_get("name")?,
                    members: Vec::new(),
                    lead: row.try_get::<Option<i64>, _>("lead_agent_id")?.map(AgentId),
                    created_at: Timestamp(row.try_get("created_at")?),
                    archived_at: None,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        for row in &members {
            let team: i64 = row.try_get("team_id")?;
            if let Some(t) = teams.iter_mut().find(|t| t.id.0 == team) {
                t.members.push(AgentId(row.try_get("agent_id")?));
            }
        }
        Ok(teams)
    }

    /// One team, an archived one too (tickets still name it).
    pub async fn team(&self, id: TeamId) -> Result<TeamRecord, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, lead_agent_id, created_at, archived_at FROM teams WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("team"))?;
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT agent_id FROM team_members WHERE team_id = $1 ORDER BY agent_id",
        )
        .bind(id.0)
        .fetch_all(&self.read)
        .await?;
        Ok(TeamRecord {
            id,
            name: row.try_get("name")?,
            members: members.into_iter().map(AgentId).collect(),
            lead: row.try_get::<Option<i64>, _>("lead_agent_id")?.map(AgentId),
            created_at: Timestamp(row.try_get("created_at")?),
            archived_at: row.try_get::<Option<i64>, _>("archived_at")?.map(Timestamp),
        })
    }

    /// Whether a team exists and is not archived.
    pub async fn team_exists(&self, id: TeamId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM teams WHERE id = $1 AND archived_at IS NULL")
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
        Ok(found.is_some())
    }

    /// Renames a team and/or replaces its members, in one transaction.
    pub async fn update_team(
        &self,
        id: TeamId,
        name: Option<&str>,
        members: Option<&[AgentId]>,
    ) -> Result<TeamRecord, StoreError> {
        let mut tx = self.write.begin().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM teams WHERE id = $1 AND archived_at IS NULL")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("team"));
        }
        if let Some(name) = name {
            sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
                .bind(name)
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(members) = members {
            sqlx::query("DELETE FROM team_members WHERE team_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for agent in members {
                sqlx::query("INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(agent.0)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        self.team(id).await
    }

    /// Sets or clears a team's lead.
    pub async fn set_team_lead(
        &self,
        id: TeamId,
        lead: Option<AgentId>,
    ) -> Result<TeamRecord, StoreError> {
        let done = sqlx::query(
            "UPDATE teams SET lead_agent_id = $1 WHERE id = $2 AND archived_at IS NULL",
        )
        .bind(lead.map(|a| a.0))
        .bind(id.0)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("team"));
        }
        self.team(id).await
    }
}
