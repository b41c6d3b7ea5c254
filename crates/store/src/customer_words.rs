//! Customer search by name: the words of each customer's folded name in
//! `customer_name_words`, written with every name, so a search is an
//! indexed range look-up by word prefix ("ana sil" finds "Ana Silva") and
//! never a scan of every customer.

use crate::StoreError;
use crate::customers::fold;
use rapport_core::CustomerId;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// The migration that adds the table (and fills it for existing customers).
pub(crate) const MIGRATION: i64 = 18;
/// The most words of one name that are kept, and of one search.
const MAX_WORDS: usize = 12;
/// The longest word kept (characters); longer ones are cut.
const MAX_WORD_CHARS: usize = 64;

/// The distinct words of a name: runs of letters and digits after folding.
pub(crate) fn words(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut out: Vec<String> = Vec::new();
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word: String = word.chars().take(MAX_WORD_CHARS).collect();
        if !out.contains(&word) {
            out.push(word);
        }
        if out.len() == MAX_WORDS {
            break;
        }
    }
    out
}

/// Replaces a customer's name words (inside the change's transaction).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    customer: CustomerId,
    name: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM customer_name_words WHERE customer_id = $1")
        .bind(customer.0)
        .execute(&mut *conn)
        .await?;
    let words = words(name);
    if words.is_empty() {
        return Ok(());
    }
    let values = (0..words.len())
        .map(|i| format!("(${}, $1)", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let mut query = sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO customer_name_words (word, customer_id) VALUES {values}"
    )))
    .bind(customer.0);
    for word in &words {
        query = query.bind(word);
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// Writes the words of every customer's name (when the migration runs).
pub(crate) async fn index_every_name(conn: &mut AnyConnection) -> Result<(), StoreError> {
    let mut after = 0i64;
    loop {
        let rows =
            sqlx::query("SELECT id, name FROM customers WHERE id > $1 ORDER BY id LIMIT 1000")
                .bind(after)
                .fetch_all(&mut *conn)
                .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("id")?;
        for row in &rows {
            let name: String = row.try_get("name")?;
            write(conn, CustomerId(row.try_get("id")?), &name).await?;
        }
    }
}

/// The SQL condition (after `WHERE`) and binds for customers whose name has
/// a word starting with each word of `search`, with placeholders from
/// `first`; `None` when the search has no word (nothing can match).
pub(crate) fn condition(search: &str, first: usize) -> Option<(String, Vec<String>)> {
    let words = words(search);
    if words.is_empty() {
        return None;
    }
    let mut sql = Vec::with_capacity(words.len());
    let mut binds = Vec::with_capacity(words.len() * 2);
    for (i, word) in words.into_iter().enumerate() {
        let (lo, hi) = (first + 2 * i, first + 2 * i + 1);
        sql.push(format!(
            "id IN (SELECT customer_id FROM customer_name_words WHERE word >= ${lo} AND word < ${hi})"
        ));
        // Every word with this prefix sorts below the prefix followed by
        // the highest code point (byte order on both engines).
        binds.push(format!("{word}\u{10FFFF}"));
        binds.insert(binds.len() - 1, word);
    }
    Some((sql.join(" AND "), binds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_runs_of_letters_and_digits() {
        assert_eq!(words("ÉMILE  Zoë-Straße"), vec!["émile", "zoë", "strasse"]);
        assert_eq!(words("50% Off_Shop"), vec!["50", "off", "shop"]);
        assert_eq!(words("Ana ana ANA"), vec!["ana"]);
        assert!(words("%_ -").is_empty());
        assert_eq!(words(&"a ".repeat(40)).len(), 1);
        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_WORDS);
    }

    #[test]
    fn a_search_is_a_prefix_range_per_word() {
        let Some((sql, binds)) = condition("Ana SIL", 3) else {
            panic!("words expected");
        };
        assert_eq!(
            sql,
            "id IN (SELECT customer_id FROM customer_name_words WHERE word >= $3 AND word < $4) AND \
             id IN (SELECT customer_id FROM customer_name_words WHERE word >= $5 AND word < $6)"
        );
        assert_eq!(
            binds,
            vec![
                "ana".to_string(),
                "ana\u{10FFFF}".to_string(),
                "sil".to_string(),
                "sil\u{10FFFF}".to_string()
            ]
        );
        assert!(condition("%", 1).is_none());
    }
}
