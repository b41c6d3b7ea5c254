-- Reply drafts saved as an agent types: one per agent and ticket, so a
-- closed tab or a crash loses nothing; deleted when the reply is sent.
CREATE TABLE reply_drafts (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, agent_id)
);
