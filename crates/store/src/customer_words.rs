//! Indexed look-ups of customers by a part of their name: every prefix (up
//! to [`PREFIX_MAX`] characters) of every word of the folded name is a row
//! of `customer_words`, written with the name. A search reads the rows of
//! its longest word's prefix, in customer id order through the primary key,
//! and checks the whole part against those customers' names only.

use crate::StoreError;
use sqlx::{AnyConnection, AssertSqlSafe, Row};
use std::collections::BTreeSet;

/// The longest prefix stored; a longer search word is looked up by its
/// first this many characters and checked against the name.
pub(crate) const PREFIX_MAX: usize = 10;

/// The words of a folded name.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Every prefix of every word, at most [`PREFIX_MAX`] characters.
pub(crate) fn prefixes(folded: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for word in words(folded) {
        let mut prefix = String::new();
        for c in word.chars().take(PREFIX_MAX) {
            prefix.push(c);
            out.insert(prefix.clone());
        }
    }
    out
}

/// The key a search for `folded` reads: its longest word, cut to
/// [`PREFIX_MAX`] characters. None when it has no word.
pub(crate) fn lookup_key(folded: &str) -> Option<String> {
    words(folded)
        .max_by_key(|w| w.chars().count())
        .map(|w| w.chars().take(PREFIX_MAX).collect())
}

/// Replaces a customer's rows (inside the transaction writing the name).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    customer: i64,
    folded: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM customer_words WHERE customer_id = $1")
        .bind(customer)
        .execute(&mut *conn)
        .await?;
    insert(conn, &[(customer, prefixes(folded))]).await
}

/// Inserts the rows of several customers in multi-row statements.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    customers: &[(i64, BTreeSet<String>)],
) -> Result<(), StoreError> {
    let rows: Vec<(i64, &str)> = customers
        .iter()
        .flat_map(|(id, prefixes)| prefixes.iter().map(move |p| (*id, p.as_str())))
        .collect();
    for chunk in rows.chunks(400) {
        let values = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO customer_words (prefix, customer_id) VALUES {values}");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (id, prefix) in chunk {
            query = query.bind(*prefix).bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes the rows of every customer (when migration 18 adds the table).
pub(crate) async fn backfill(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let mut after = 0i64;
    loop {
        let rows = sqlx::query(
            "SELECT id, name_folded FROM customers WHERE id > $1 ORDER BY id LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("id")?;
        let mut batch = Vec::with_capacity(rows.len());
        for row in &rows {
            let folded: String = row.try_get("name_folded")?;
            batch.push((row.try_get::<i64, _>("id")?, prefixes(&folded)));
        }
        insert(conn, &batch).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_of_every_word_up_to_the_limit() {
        let p = prefixes("noor haddad-smith");
        for want in ["n", "no", "noo", "noor", "h", "haddad", "s", "smith"] {
            assert!(p.contains(want), "{want}");
        }
        assert!(!p.contains("noor h") && !p.contains("haddad-"));
        assert!(
            prefixes("abcdefghijklmnop")
                .iter()
                .all(|p| p.chars().count() <= PREFIX_MAX)
        );
    }

    #[test]
    fn the_longest_word_is_the_key() {
        assert_eq!(lookup_key("noor haddad").as_deref(), Some("haddad"));
        assert_eq!(lookup_key("maximilianus x").as_deref(), Some("maximilian"));
        assert_eq!(lookup_key("%_ -"), None);
    }
}
