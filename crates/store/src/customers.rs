//! Customers and the identities they are reached by (e-mail, phone,
//! handle), one record across channels.
//!
//! Name search runs on the words of `name_folded`, a case-folded copy of
//! the name that Rust writes with every name ([`fold`]): the databases' own
//! `LOWER()` disagree (SQLite folds only ASCII, PostgreSQL follows its
//! locale), so the same search would find different customers on each. The
//! words are kept in `customer_name_words` (`customer_words.rs`), so a search
//! by word prefix is an indexed look-up.

use crate::customer_events::insert_customer_event;
use crate::rows::parse;
use crate::{Store, StoreError};
use rapport_core::{AgentId, CustomerChange, CustomerId, Identity, IdentityKind, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use unicode_normalization::UnicodeNormalization;

/// A name's search form: NFKC (so full-width letters and ligatures match
/// their plain forms), then lower case, with ß as "ss" and final sigma as
/// sigma, which is Unicode full case folding for every script but a few
/// special cases. Search patterns are folded the same way.
pub fn fold(text: &str) -> String {
    let lower = text.nfkc().collect::<String>().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'ς' => out.push('σ'),
            c => out.push(c),
        }
    }
    out
}

/// Writes `name_folded` where it is missing: every customer when migration 6
/// adds the column, and afterwards any written by a server of an older
/// release during an upgrade (found through the index, so cheap at start).
pub(crate) async fn fold_unfolded_names(conn: &mut sqlx::AnyConnection) -> Result<(), StoreError> {
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT id, name FROM customers WHERE name_folded = '' AND name <> '' AND id > $1 \
             ORDER BY id LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("id")?;
        for row in &rows {
            let name: String = row.try_get("name")?;
            let id: i64 = row.try_get("id")?;
            sqlx::query("UPDATE customers SET name_folded = $1 WHERE id = $2")
                .bind(fold(&name))
                .bind(id)
                .execute(&mut *conn)
                .await?;
            crate::customer_words::write(conn, CustomerId(id), &name).await?;
        }
    }
}

/// One way to reach a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    /// E-mail, phone or handle.
    pub kind: IdentityKind,
    /// The normalised value.
    pub value: String,
}

/// A stored customer with every identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRecord {
    /// Its id.
    pub id: CustomerId,
    /// Name as the customer gives it.
    pub name: String,
    /// How to reach them.
    pub identities: Vec<IdentityRecord>,
    /// When created.
    pub created_at: Timestamp,
    /// When last changed.
    pub updated_at: Timestamp,
    /// The language they read the portal and our mail in (`en`, `de`);
    /// none: not known yet.
    pub language: Option<String>,
}

impl Store {
    /// The names of these customers (missing ones left out), for lists.
    pub async fn customer_names(
        &self,
        ids: &[CustomerId],
    ) -> Result<Vec<(CustomerId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, name FROM customers WHERE id IN ({})",
            list.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.0);
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.iter()
            .map(|row| Ok((CustomerId(row.try_get("id")?), row.try_get("name")?)))
            .collect()
    }

    /// Creates a customer with identities (already normalised), atomically.
    pub async fn insert_customer(
        &self,
        name: &str,
        identities: &[IdentityRecord],
    ) -> Result<CustomerRecord, StoreError> {
        let now = Timestamp::now();
        let mut tx = self.write.begin().await?;
        let id = insert_customer_in(&mut tx, name, identities, now).await?;
        tx.commit().await?;
        Ok(CustomerRecord {
            id,
            name: name.to_string(),
            identities: identities.to_vec(),
            created_at: now,
            updated_at: now,
            language: None,
        })
    }

    /// Sets a customer's language (a code such as `de`; none: unknown).
    pub async fn set_customer_language(
        &self,
        id: CustomerId,
        language: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.set_customer_language(id, language).await?;
        tx.commit().await
    }

    /// A customer's language, if known.
    pub async fn customer_language(&self, id: CustomerId) -> Result<Option<String>, StoreError> {
        let language: Option<Option<String>> =
            sqlx::query_scalar("SELECT language FROM customers WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&self.write)
                .await?;
        language.ok_or(StoreError::NotFound("customer"))
    }

    /// One customer.
    pub async fn customer(&self, id: CustomerId) -> Result<CustomerRecord, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, created_at, updated_at, language FROM customers WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound("customer"))?;
        let mut customers = self.with_identities(vec![row]).await?;
        customers.pop().ok_or(StoreError::NotFound("customer"))
    }

    /// Customers by id after a cursor; `name` keeps those whose name has a
    /// word starting with each of its words, compared case-folded ("ana sil"
    /// finds "Ana Silva"; punctuation only separates words). An indexed
    /// look-up per word, never a scan of every customer.
    pub async fn customers(
        &self,
        after: i64,
        limit: i64,
        name: Option<&str>,
    ) -> Result<Vec<CustomerRecord>, StoreError> {
        let (filter, binds) = match name {
            Some(name) => match crate::customer_words::condition(name, 3) {
                Some((sql, binds)) => (format!(" AND {sql}"), binds),
                None => return Ok(Vec::new()),
            },
            None => (String::new(), Vec::new()),
        };
        let sql = format!(
            "SELECT id, name, created_at, updated_at, language FROM customers WHERE id > $1{filter} \
             ORDER BY id LIMIT $2"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(after)
            .bind(limit.clamp(1, 500));
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.read).await?;
        self.with_identities(rows).await
    }

    async fn with_identities(&self, rows: Vec<AnyRow>) -> Result<Vec<CustomerRecord>, StoreError> {
        let mut customers = rows
            .iter()
            .map(|row| {
                Ok(CustomerRecord {
                    id: CustomerId(row.try_get("id")?),
                    name: row.try_get("name")?,
                    identities: Vec::new(),
                    created_at: Timestamp(row.try_get("created_at")?),
                    updated_at: Timestamp(row.try_get("updated_at")?),
                    language: row.try_get("language")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        if customers.is_empty() {
            return Ok(customers);
        }
        let ids: Vec<String> = customers.iter().map(|c| c.id.0.to_string()).collect();
        // The ids come from the database as integers, so listing them inline is safe.
        let sql = format!(
            "SELECT customer_id, kind, value FROM customer_identities WHERE customer_id IN ({}) ORDER BY id",
            ids.join(",")
        );
        for row in sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.read)
            .await?
        {
            let owner: i64 = row.try_get("customer_id")?;
            if let Some(c) = customers.iter_mut().find(|c| c.id.0 == owner) {
                c.identities.push(IdentityRecord {
                    kind: parse(&row.try_get::<String, _>("kind")?)?,
                    value: row.try_get("value")?,
                });
            }
        }
        Ok(customers)
    }

    /// Finds the customer an identity (already normalised) belongs to.
    pub async fn customer_by_identity(
        &self,
        kind: IdentityKind,
        value: &str,
    ) -> Result<Option<CustomerId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT customer_id FROM customer_identities WHERE kind = $1 AND value = $2",
        )
        .bind(kind.as_str())
        .bind(value)
        .fetch_optional(&self.read)
        .await?
        .map(CustomerId))
    }

    /// Renames a customer and/or replaces their identities, atomically; a
    /// change of identities is recorded in the customer's history as `agent`'s.
    pub async fn update_customer(
        &self,
        id: CustomerId,
        name: Option<&str>,
        identities: Option<&[IdentityRecord]>,
        agent: AgentId,
    ) -> Result<CustomerRecord, StoreError> {
        let now = Timestamp::now();
        let mut tx = self.write.begin().await?;
        let done = sqlx::query(
            "UPDATE customers SET name = COALESCE($1, name), name_folded = COALESCE($2, name_folded), \
             updated_at = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(name.map(fold))
        .bind(now.0)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("customer"));
        }
        if let Some(name) = name {
            crate::customer_words::write(&mut tx, id, name).await?;
        }
        if let Some(identities) = identities {
            let before = identities_in(&mut tx, id).await?;
            sqlx::query("DELETE FROM customer_identities WHERE customer_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await?;
            for identity in identities {
                insert_identity(&mut tx, id, identity).await?;
            }
            let change = identity_change(&before, identities);
            if let CustomerChange::IdentitiesChanged { added, removed } = &change
                && !(added.is_empty() && removed.is_empty())
            {
                insert_customer_event(&mut tx, id, Some(agent), &change, now).await?;
            }
        }
        crate::search_feed::customer_changed(&mut tx, id).await?;
        tx.commit().await?;
        self.customer(id).await
    }

    /// Deletes a customer who has no tickets.
    pub async fn delete_customer(&self, id: CustomerId) -> Result<(), StoreError> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM customer_name_words WHERE customer_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM customers WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("customer"));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Inserts a customer and their identities (already normalised) in an open transaction.
pub(crate) async fn insert_customer_in(
    conn: &mut sqlx::AnyConnection,
    name: &str,
    identities: &[IdentityRecord],
    now: Timestamp,
) -> Result<CustomerId, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customers (name, name_folded, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(name)
    .bind(fold(name))
    .bind(now.0)
    .fetch_one(&mut *conn)
    .await?;
    crate::customer_words::write(conn, CustomerId(id), name).await?;
    for identity in identities {
        insert_identity(conn, CustomerId(id), identity).await?;
    }
    Ok(CustomerId(id))
}

/// A customer's identities, read in an open transaction.
async fn identities_in(
    conn: &mut sqlx::AnyConnection,
    customer: CustomerId,
) -> Result<Vec<IdentityRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, value FROM customer_identities WHERE customer_id = $1 ORDER BY id",
    )
    .bind(customer.0)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(IdentityRecord {
                kind: parse(&row.try_get::<String, _>("kind")?)?,
                value: row.try_get("value")?,
            })
        })
        .collect()
}

/// What replacing `before` with `after` adds and removes.
fn identity_change(before: &[IdentityRecord], after: &[IdentityRecord]) -> CustomerChange {
    let as_identity = |i: &IdentityRecord| Identity {
        kind: i.kind,
        value: i.value.clone(),
    };
    CustomerChange::IdentitiesChanged {
        added: after
            .iter()
            .filter(|i| !before.contains(i))
            .map(as_identity)
            .collect(),
        removed: before
            .iter()
            .filter(|i| !after.contains(i))
            .map(as_identity)
            .collect(),
    }
}

async fn insert_identity(
    conn: &mut sqlx::AnyConnection,
    customer: CustomerId,
    identity: &IdentityRecord,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO customer_identities (customer_id, kind, value) VALUES ($1, $2, $3)")
        .bind(customer.0)
        .bind(identity.kind.as_str())
        .bind(&identity.value)
        .execute(&mut *conn)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!(
                "{} {} belongs to another customer",
                identity.kind, identity.value
            )),
            other => other,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_across_case_and_width() {
        assert_eq!(fold("ÉMILE Zoë"), "émile zoë");
        assert_eq!(fold("STRASSE"), fold("Straße"));
        assert_eq!(fold("ΟΔΥΣΣΕΥΣ"), fold("Οδυσσευς"));
        assert_eq!(fold("Ｆｕｌｌ"), "full");
        assert_eq!(fold("ﬁne"), "fine");
    }
}
