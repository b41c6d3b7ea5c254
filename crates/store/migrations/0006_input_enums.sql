-- One behaviour on both engines.

-- A customer name's search form, written by Rust with every name
-- (rapport_store::customers::fold). The runner folds the names already
-- stored after applying this, and at every start any an older server wrote
-- meanwhile (name_folded = ''). The databases' LOWER() disagree beyond
-- ASCII, so searching the folded copy is what makes a name search find the
-- same customers on SQLite and on PostgreSQL.
ALTER TABLE customers ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_name_folded ON customers (name_folded, id);

-- The stored names of the enums the code reads back (OutboxKind,
-- OutboxStatus, MessageKind, AuthorKind). Each line below becomes a CHECK
-- constraint on PostgreSQL and a pair of triggers on SQLite, which cannot
-- add a constraint to an existing table (see store/src/checks.rs).
{check outbox.kind IN ('reply', 'acknowledgment')}
{check outbox.status IN ('pending', 'sending', 'sent', 'failed', 'bounced')}
{check messages.kind IN ('public', 'internal')}
{check messages.author_kind IN ('customer', 'agent', 'system')}
