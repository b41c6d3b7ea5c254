//! CHECK constraints on tables that already exist, written once for both
//! engines.
//!
//! PostgreSQL adds a constraint to a table with `ALTER TABLE ... ADD
//! CONSTRAINT`; SQLite cannot, short of rebuilding the table (and with it
//! every table whose foreign keys point there). So a migration writes
//! `{check table.column CONDITION}` and the runner turns it into a named
//! constraint on PostgreSQL, which checks the existing rows itself, and into
//! a pair of `BEFORE INSERT` / `BEFORE UPDATE OF column` triggers on SQLite,
//! after checking the existing rows here. A refused row fails the same way
//! on both: the statement is aborted with "CHECK constraint failed: NAME".
//! A later migration that writes a check on the same column again (a new
//! enum value) replaces the earlier one: the statements drop it first.

use crate::{Backend, StoreError};
use sqlx::AssertSqlSafe;

/// One `{check table.column CONDITION}` of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    table: String,
    column: String,
    condition: String,
}

impl Check {
    fn name(&self) -> String {
        format!("{}_{}_check", self.table, self.column)
    }

    /// The statements that put the check in place on one engine.
    fn statements(&self, backend: Backend) -> String {
        let (table, column, condition, name) =
            (&self.table, &self.column, &self.condition, self.name());
        match backend {
            Backend::Postgres => {
                format!(
                    "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};\n\
                     ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} {condition});"
                )
            }
            Backend::Sqlite => {
                let trigger = |event: &str, suffix: &str| {
                    format!(
                        "CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} \
                         WHEN NOT (NEW.{column} {condition}) \
                         BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END;"
                    )
                };
                format!(
                    "DROP TRIGGER IF EXISTS {name}_insert;\nDROP TRIGGER IF EXISTS {name}_update;\n{}\n{}",
                    trigger("INSERT", "insert"),
                    trigger(&format!("UPDATE OF {column}"), "update")
                )
            }
        }
    }
}

fn identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// Replaces every `{check ...}` in a migration with the engine's statements;
/// returns the SQL and the checks, whose existing rows [`verify`] checks on SQLite.
pub(crate) fn expand(sql: &str, backend: Backend) -> Result<(String, Vec<Check>), StoreError> {
    let sql = expand_unchecks(sql, backend)?;
    let sql = sql.as_str();
    const OPEN: &str = "{check ";
    let mut out = String::with_capacity(sql.len());
    let mut checks = Vec::new();
    let mut rest = sql;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let body = &rest[start + OPEN.len()..];
        let end = body
            .find('}')
            .ok_or_else(|| StoreError::Corrupt("a migration has an unclosed {check".into()))?;
        let (target, condition) = body[..end]
            .trim()
            .split_once(' ')
            .ok_or_else(|| StoreError::Corrupt(format!("bad check {:?}", &body[..end])))?;
        let check = match target.split_once('.') {
            Some((table, column)) if identifier(table) && identifier(column) => Check {
                table: table.into(),
                column: column.into(),
                condition: condition.trim().into(),
            },
            _ => return Err(StoreError::Corrupt(format!("bad check target {target:?}"))),
        };
        out.push_str(&check.statements(backend));
        checks.push(check);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok((out, checks))
}

/// Refuses the migration when rows already stored break a check (SQLite; on
/// PostgreSQL `ADD CONSTRAINT` has done it).
pub(crate) async fn verify(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    checks: &[Check],
) -> Result<(), StoreError> {
    if backend != Backend::Sqlite {
        return Ok(());
    }
    for check in checks {
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE NOT ({} {})",
            check.table, check.column, check.condition
        );
        let broken: i64 = sqlx::query_scalar(AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        if broken > 0 {
            return Err(StoreError::Corrupt(format!(
                "{broken} stored rows of {} break {}",
                check.table,
                check.name()
            )));
        }
    }
    Ok(())
}

/// Replaces every `{uncheck table.column}` with the statements that drop
/// that column's check on one engine (to widen it with a new `{check ...}`).
fn expand_unchecks(sql: &str, backend: Backend) -> Result<String, StoreError> {
    const OPEN: &str = "{uncheck ";
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let body = &rest[start + OPEN.len()..];
        let end = body
            .find('}')
            .ok_or_else(|| StoreError::Corrupt("a migration has an unclosed {uncheck".into()))?;
        let target = body[..end].trim();
        let name = match target.split_once('.') {
            Some((table, column)) if identifier(table) && identifier(column) => {
                (table, format!("{table}_{column}_check"))
            }
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "bad uncheck target {target:?}"
                )));
            }
        };
        let (table, name) = name;
        out.push_str(&match backend {
            Backend::Postgres => format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name};"),
            Backend::Sqlite => format!(
                "DROP TRIGGER IF EXISTS {name}_insert;\nDROP TRIGGER IF EXISTS {name}_update;"
            ),
        });
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncheck_drops_the_constraint_or_both_triggers() {
        let sql = "{uncheck outbox.kind}\n{check outbox.kind IN ('a', 'b')}";
        let (pg, checks) = expand(sql, Backend::Postgres).unwrap_or_default();
        assert!(
            pg.starts_with("ALTER TABLE outbox DROP CONSTRAINT IF EXISTS outbox_kind_check;\n")
        );
        assert!(pg.contains("ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('a', 'b'))"));
        assert_eq!(checks.len(), 1);
        let (lite, _) = expand(sql, Backend::Sqlite).unwrap_or_default();
        assert!(lite.starts_with(
            "DROP TRIGGER IF EXISTS outbox_kind_check_insert;\nDROP TRIGGER IF EXISTS outbox_kind_check_update;\n"
        ));
        assert!(expand("{uncheck outbox}", Backend::Sqlite).is_err());
        assert!(expand("{uncheck outbox.kind", Backend::Postgres).is_err());
    }

    #[test]
    fn a_check_becomes_a_constraint_or_two_triggers() {
        let sql = "SELECT 1;\n{check outbox.kind IN ('reply', 'acknowledgment')}\nSELECT 2;";
        let (pg, checks) = expand(sql, Backend::Postgres).unwrap_or_default();
        assert_eq!(checks.len(), 1);
        assert!(pg.contains(
            "ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('reply', 'acknowledgment'));"
        ));
        assert!(pg.starts_with("SELECT 1;\n") && pg.ends_with("\nSELECT 2;"));
        let (lite, _) = expand(sql, Backend::Sqlite).unwrap_or_default();
        assert!(lite.contains("CREATE TRIGGER outbox_kind_check_insert BEFORE INSERT ON outbox WHEN NOT (NEW.kind IN ('reply', 'acknowledgment'))"));
        assert!(lite.contains("BEFORE UPDATE OF kind ON outbox"));
        assert!(expand("{check Outbox.kind = 1}", Backend::Sqlite).is_err());
        assert!(expand("{check outbox.kind = 1", Backend::Sqlite).is_err());
    }
}
