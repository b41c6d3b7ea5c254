//! A customer's attributes (name and value, such as `tier` = `gold`): the
//! groups the business defines for the fairness audit.

use crate::{Store, StoreError};
use futures_util::TryStreamExt;
use rapport_core::CustomerId;
use sqlx::Row;
use std::collections::BTreeMap;

impl Store {
    /// A customer's attributes by name; not found when the customer is not.
    pub async fn customer_attributes(
        &self,
        customer: CustomerId,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE id = $1")
            .bind(customer.0)
            .fetch_optional(&self.read)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("customer"));
        }
        let mut rows = sqlx::query(
            "SELECT name, value FROM customer_attributes WHERE customer_id = $1 ORDER BY name",
        )
        .bind(customer.0)
        .fetch(&self.read);
        let mut out = BTreeMap::new();
        while let Some(row) = rows.try_next().await? {
            out.insert(row.try_get("name")?, row.try_get("value")?);
        }
        Ok(out)
    }

    /// Sets (or, with `None`, removes) several of a customer's attributes
    /// in one transaction; not found when the customer is not.
    pub async fn set_customer_attributes(
        &self,
        customer: CustomerId,
        changes: &[(String, Option<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE id = $1")
            .bind(customer.0)
            .fetch_optional(&mut *tx.tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("customer"));
        }
        for (name, value) in changes {
            sqlx::query("DELETE FROM customer_attributes WHERE customer_id = $1 AND name = $2")
                .bind(customer.0)
                .bind(name)
                .execute(&mut *tx.tx)
                .await?;
            if let Some(value) = value {
                sqlx::query(
                    "INSERT INTO customer_attributes (customer_id, name, value) VALUES ($1, $2, $3)",
                )
                .bind(customer.0)
                .bind(name)
                .bind(value)
                .execute(&mut *tx.tx)
                .await?;
            }
        }
        tx.commit().await
    }
}
