//! Stored response-target policies, in matching order.

use crate::{Store, StoreError};
use rapport_core::Timestamp;
use rapport_core::sla::{PolicyConditions, SlaPolicy, Targets};
use sqlx::Row;
use sqlx::any::AnyRow;

const COLUMNS: &str = "id, name, position, conditions, calendar_id, first_response_minutes, \
    next_response_minutes, resolution_minutes, warn_permille";

fn policy(row: &AnyRow) -> Result<SlaPolicy, StoreError> {
    let id: i64 = row.try_get("id")?;
    let conditions: String = row.try_get("conditions")?;
    let conditions: PolicyConditions = serde_json::from_str(&conditions)
        .map_err(|e| StoreError::Corrupt(format!("policy {id}: {e}")))?;
    Ok(SlaPolicy {
        id,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        conditions,
        calendar_id: row.try_get("calendar_id")?,
        targets: Targets {
            first_response: row.try_get("first_response_minutes")?,
            next_response: row.try_get("next_response_minutes")?,
            resolution: row.try_get("resolution_minutes")?,
        },
        warn_permille: row.try_get("warn_permille")?,
    })
}

fn conditions_json(c: &PolicyConditions) -> Result<String, StoreError> {
    serde_json::to_string(c).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Every policy, in matching order.
    pub async fn sla_policies(&self) -> Result<Vec<SlaPolicy>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sla_policies ORDER BY position, id"
        )))
        .fetch_all(&self.write)
        .await?;
        rows.iter().map(policy).collect()
    }

    /// One policy.
    pub async fn sla_policy(&self, id: i64) -> Result<SlaPolicy, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sla_policies WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.write)
        .await?
        .ok_or(StoreError::NotFound("policy"))?;
        policy(&row)
    }

    /// Stores a new policy (its `id` is ignored) and returns it.
    pub async fn create_sla_policy(&self, p: &SlaPolicy) -> Result<SlaPolicy, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sla_policies (name, position, conditions, calendar_id, first_response_minutes, \
             next_response_minutes, resolution_minutes, warn_permille, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&p.name)
        .bind(p.position)
        .bind(conditions_json(&p.conditions)?)
        .bind(p.calendar_id)
        .bind(p.targets.first_response)
        .bind(p.targets.next_response)
        .bind(p.targets.resolution)
        .bind(p.warn_permille)
        .bind(Timestamp::now().0)
        .fetch_one(&self.write)
        .await?;
        self.sla_policy(id).await
    }

    /// Replaces a policy.
    pub async fn update_sla_policy(&self, p: &SlaPolicy) -> Result<SlaPolicy, StoreError> {
        let done = sqlx::query(
            "UPDATE sla_policies SET name = $1, position = $2, conditions = $3, calendar_id = $4, \
             first_response_minutes = $5, next_response_minutes = $6, resolution_minutes = $7, \
             warn_permille = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(&p.name)
        .bind(p.position)
        .bind(conditions_json(&p.conditions)?)
        .bind(p.calendar_id)
        .bind(p.targets.first_response)
        .bind(p.targets.next_response)
        .bind(p.targets.resolution)
        .bind(p.warn_permille)
        .bind(Timestamp::now().0)
        .bind(p.id)
        .execute(&self.write)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("policy"));
        }
        self.sla_policy(p.id).await
    }

    /// Removes a policy (tickets under it move to the next match at the recompute).
    pub async fn delete_sla_policy(&self, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM sla_policies WHERE id = $1")
            .bind(id)
            .execute(&self.write)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("policy"));
        }
        Ok(())
    }

    /// When the policies last changed (to notice a change made by another server).
    pub async fn sla_policies_changed(&self) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = sqlx::query_scalar("SELECT MAX(updated_at) FROM sla_policies")
            .fetch_one(&self.read)
            .await?;
        Ok(at.map(Timestamp))
    }
}
