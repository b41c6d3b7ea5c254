//! Stored business calendars: a name, the spec as JSON, and which one is
//! the default.

use crate::{Store, StoreError};
use rapport_core::{CalendarSpec, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRecord {
    /// Its id.
    pub id: i64,
    /// Unique name ("Support EU").
    pub name: String,
    /// What it says (its `name` is the record's).
    pub spec: CalendarSpec,
    /// Whether it is the one the desk runs on.
    pub is_default: bool,
    /// When it last changed (or became the default).
    pub updated_at: Timestamp,
}

const COLUMNS: &str = "id, name, spec, is_default, updated_at";

fn calendar(row: &AnyRow) -> Result<CalendarRecord, StoreError> {
    let id: i64 = row.try_get("id")?;
    let spec: String = row.try_get("spec")?;
    let spec = serde_json::from_str(&spec)
        .map_err(|e| StoreError::Corrupt(format!("calendar {id}: {e}")))?;
    Ok(CalendarRecord {
        id,
        name: row.try_get("name")?,
        spec,
        is_default: row.try_get::<i64, _>("is_default")? != 0,
        updated_at: Timestamp(row.try_get("updated_at")?),
    })
}

fn spec_json(spec: &CalendarSpec) -> Result<String, StoreError> {
    serde_json::to_string(spec).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Every calendar, by name.
    pub async fn calendars(&self) -> Result<Vec<CalendarRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM calendars ORDER BY name, id"
        )))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(calendar).collect()
    }

    /// One calendar.
    pub async fn calendar(&self, id: i64) -> Result<CalendarRecord, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM calendars WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.write)
        .await?
        .ok_or(StoreError::NotFound("calendar"))?;
        calendar(&row)
    }

    /// The calendar of a name, if there is one.
    pub async fn calendar_by_name(&self, name: &str) -> Result<Option<CalendarRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM calendars WHERE name = $1"
        )))
        .bind(name)
        .fetch_optional(&self.write)
        .await?;
        row.as_ref().map(calendar).transpose()
    }

    /// The default calendar, if one was stored yet.
    pub async fn default_calendar(&self) -> Result<Option<CalendarRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM calendars WHERE is_default = 1"
        )))
        .fetch_optional(&self.write)
        .await?;
        row.as_ref().map(calendar).transpose()
    }

    /// The default calendar's id and last change, a cheap check whether a
    /// copy in memory is still current.
    pub async fn default_calendar_stamp(&self) -> Result<Option<(i64, Timestamp)>, StoreError> {
        let row = sqlx::query("SELECT id, updated_at FROM calendars WHERE is_default = 1")
            .fetch_optional(&self.read)
            .await?;
        row.map(|r| Ok((r.try_get("id")?, Timestamp(r.try_get("updated_at")?))))
            .transpose()
    }

    /// Stores a new calendar (a taken name is a conflict).
    pub async fn insert_calendar(
        &self,
        name: &str,
        spec: &CalendarSpec,
        now: Timestamp,
    ) -> Result<CalendarRecord, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO calendars (name, spec, is_default, updated_at) VALUES ($1, $2, 0, $3) RETURNING id",
        )
        .bind(name)
        .bind(spec_json(spec)?)
        .bind(now.0)
        .fetch_one(&self.write)
        .await?;
        self.calendar(id).await
    }

    /// Stores `spec` as the default calendar unless there is one already;
    /// returns the default either way (two servers seeding at once agree).
    pub async fn seed_default_calendar(
        &self,
        name: &str,
        spec: &CalendarSpec,
        now: Timestamp,
    ) -> Result<CalendarRecord, StoreError> {
        sqlx::query(
            "INSERT INTO calendars (name, spec, is_default, updated_at) VALUES ($1, $2, 1, $3) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(spec_json(spec)?)
        .bind(now.0)
        .execute(&self.write)
        .await?;
        self.default_calendar().await?.ok_or_else(|| {
            StoreError::Conflict(format!(
                "a calendar named {name:?} exists but there is no default calendar"
            ))
        })
    }

    /// Replaces a calendar's name and spec.
    pub async fn update_calendar(
        &self,
        id: i64,
        name: &str,
        spec: &CalendarSpec,
        now: Timestamp,
    ) -> Result<CalendarRecord, StoreError> {
        let changed =
            sqlx::query("UPDATE calendars SET name = $1, spec = $2, updated_at = $3 WHERE id = $4")
                .bind(name)
                .bind(spec_json(spec)?)
                .bind(now.0)
                .bind(id)
                .execute(&self.write)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound("calendar"));
        }
        self.calendar(id).await
    }

    /// Makes a calendar the default, in one transaction with unsetting the
    /// one before.
    pub async fn set_default_calendar(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        sqlx::query("UPDATE calendars SET is_default = 0, updated_at = $1 WHERE is_default = 1 AND id <> $2")
            .bind(now.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let changed = sqlx::query(
            "UPDATE calendars SET is_default = 1, updated_at = $1 WHERE id = $2 AND is_default = 0",
        )
        .bind(now.0)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM calendars WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("calendar"));
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a calendar that is not the default.
    pub async fn delete_calendar(&self, id: i64) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM calendars WHERE id = $1 AND is_default = 0")
            .bind(id)
            .execute(&self.write)
            .await?
            .rows_affected();
        if deleted > 0 {
            return Ok(());
        }
        match self.calendar(id).await {
            Ok(_) => Err(StoreError::Conflict(
                "the default calendar cannot be deleted; make another the default first".into(),
            )),
            Err(e) => Err(e),
        }
    }
}
