//! Stored mail templates.

use crate::{Store, StoreError};
use rapport_core::{AgentId, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRecord {
    /// Unique name, e.g. `acknowledgment` or a canned reply's slug.
    pub name: String,
    /// Its language's code (`en`, `de`): one template per name and language.
    pub language: String,
    /// Subject line (a template too).
    pub subject: String,
    /// Body (minijinja).
    pub body: String,
    /// Why it was saved despite blocking coach findings, if it was.
    pub override_reason: Option<String>,
    /// Who saved it last.
    pub updated_by: Option<AgentId>,
    /// When.
    pub updated_at: Timestamp,
}

fn template(row: &AnyRow) -> Result<TemplateRecord, StoreError> {
    Ok(TemplateRecord {
        name: row.try_get("name")?,
        language: row.try_get("language")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        override_reason: row.try_get("override_reason")?,
        updated_by: row.try_get::<Option<i64>, _>("updated_by")?.map(AgentId),
        updated_at: Timestamp(row.try_get("updated_at")?),
    })
}

impl Store {
    /// Creates or replaces a template.
    pub async fn put_template(&self, t: &TemplateRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO templates (name, subject, body, override_reason, updated_by, updated_at, language) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (name, language) DO UPDATE SET subject = excluded.subject, body = excluded.body, \
             override_reason = excluded.override_reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(&t.name)
        .bind(&t.subject)
        .bind(&t.body)
        .bind(&t.override_reason)
        .bind(t.updated_by.map(|a| a.0))
        .bind(t.updated_at.0)
        .bind(&t.language)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// One template in one language.
    pub async fn template(&self, name: &str, language: &str) -> Result<TemplateRecord, StoreError> {
        let row = sqlx::query("SELECT name, language, subject, body, override_reason, updated_by, updated_at FROM templates WHERE name = $1 AND language = $2")
            .bind(name)
            .bind(language)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound("template"))?;
        template(&row)
    }

    /// Every template of every language, by name then language.
    pub async fn templates(&self) -> Result<Vec<TemplateRecord>, StoreError> {
        let rows = sqlx::query("SELECT name, language, subject, body, override_reason, updated_by, updated_at FROM templates ORDER BY name, language")
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(template).collect()
    }
}
