-- The search index's change feed (rapport_store::search_feed): one row per
-- change to what a ticket's search document holds, written in the same
-- transaction as the change. Every `rapport serve` tails it into its own
-- index with a watermark that waits for gaps (identity values are not
-- commit-ordered on PostgreSQL), so re-reading a row is harmless: it only
-- re-indexes a ticket. Rows older than the feed's retention are pruned.
CREATE TABLE search_changes (
    id {id},
    -- The ticket to re-index, or
    ticket_id BIGINT,
    -- every ticket of this customer (a rename, new addresses).
    customer_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX search_changes_created ON search_changes (created_at);
