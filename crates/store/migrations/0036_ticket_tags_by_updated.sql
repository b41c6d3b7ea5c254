-- Each tag row carries its ticket's last change, kept in step by every
-- write of the ticket, so a view narrowed by a tag reads that tag's tickets
-- newest changed first from one index and stops at a page (rather than
-- read and sort every ticket carrying a common tag).
ALTER TABLE ticket_tags ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE ticket_tags SET updated_at = (SELECT updated_at FROM tickets WHERE tickets.id = ticket_tags.ticket_id);
CREATE INDEX ticket_tags_by_updated ON ticket_tags (tag, updated_at, ticket_id);
