-- Who has a ticket open in the workspace, and whether they are writing a
-- reply: one row per ticket and agent, refreshed by the open page's
-- heartbeat. Every server reads the same rows, so agents working through
-- different servers see each other. A row whose heartbeat is older than
-- the time-out, or that has left_at, is nobody. changed_at moves when
-- someone arrives, starts or stops writing, or leaves: what the live feed
-- announces.
CREATE TABLE ticket_presence (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    replying BIGINT NOT NULL DEFAULT 0,
    seen_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    left_at BIGINT,
    PRIMARY KEY (ticket_id, agent_id)
);
CREATE INDEX ticket_presence_changed ON ticket_presence (changed_at);
CREATE INDEX ticket_presence_seen ON ticket_presence (seen_at);
