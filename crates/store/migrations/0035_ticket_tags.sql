-- Each ticket's tags, one row a tag, so a view narrowed by a tag reads an
-- index rather than every ticket's tag list (the tickets' `tags` column
-- stays what a ticket reads). Filled from the tickets when applied.
CREATE TABLE ticket_tags (
    tag TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, ticket_id)
);
CREATE INDEX ticket_tags_by_ticket ON ticket_tags (ticket_id);
-- A view narrowed by priority or channel, each ending in the sort key and id.
CREATE INDEX tickets_by_priority ON tickets (priority, status, updated_at, id);
CREATE INDEX tickets_by_channel ON tickets (channel, status, updated_at, id);
