//! The history of changes to a customer's record that decide where mail
//! goes, written in the same transaction as the change.

use crate::{Store, StoreError};
use rapport_core::{AgentId, CustomerChange, CustomerEvent, CustomerId, Timestamp};
use sqlx::Row;

impl Store {
    /// A customer's recorded changes, oldest first (at most 1000).
    pub async fn customer_events(
        &self,
        customer: CustomerId,
    ) -> Result<Vec<CustomerEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, agent_id, data, at FROM customer_events \
             WHERE customer_id = $1 ORDER BY id LIMIT 1000",
        )
        .bind(customer.0)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let data: String = row.try_get("data")?;
                Ok(CustomerEvent {
                    id: row.try_get("id")?,
                    agent_id: row.try_get::<Option<i64>, _>("agent_id")?.map(AgentId),
                    change: serde_json::from_str(&data)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    at: Timestamp(row.try_get("at")?),
                })
            })
            .collect()
    }
}

/// Appends a change to a customer's history in an open transaction.
pub(crate) async fn insert_customer_event(
    conn: &mut sqlx::AnyConnection,
    customer: CustomerId,
    agent: Option<AgentId>,
    change: &CustomerChange,
    at: Timestamp,
) -> Result<(), StoreError> {
    let data = serde_json::to_string(change).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO customer_events (customer_id, agent_id, type, data, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(customer.0)
    .bind(agent.map(|a| a.0))
    .bind(change.type_name())
    .bind(data)
    .bind(at.0)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
