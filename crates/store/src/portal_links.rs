//! One-time sign-in links of the customer portal. Only the SHA-256 of a
//! link's secret is stored; redeeming marks it used in the same statement
//! that checks it, so a link works once even when two clicks race.

use crate::{Store, StoreError};
use rapport_core::{CustomerId, Timestamp};

impl Store {
    /// Stores a new link for a customer.
    pub async fn insert_portal_link(
        &self,
        token_hash: &str,
        customer: CustomerId,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO portal_links (token_hash, customer_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(customer.0)
        .bind(Timestamp::now().0)
        .bind(expires_at.0)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Marks the link used and returns its customer, if it is unused and
    /// not expired at `now`; otherwise `None` (unknown, used or expired).
    pub async fn redeem_portal_link(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<CustomerId>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE portal_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING customer_id",
        )
        .bind(now.0)
        .bind(token_hash)
        .fetch_optional(&self.write)
        .await?;
        Ok(id.map(CustomerId))
    }

    /// How many links a customer was sent since an instant (a rate limit
    /// every server shares).
    pub async fn portal_links_since(
        &self,
        customer: CustomerId,
        since: Timestamp,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM portal_links WHERE customer_id = $1 AND created_at >= $2",
        )
        .bind(customer.0)
        .bind(since.0)
        .fetch_one(&self.read)
        .await?)
    }
}
