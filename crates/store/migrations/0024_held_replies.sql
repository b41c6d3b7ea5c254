-- Undo send: a reply an agent sends waits here for a few seconds before it
-- is stored on the ticket and mailed. Until release_at its sender may take
-- it back (status 'undone', the text returned to the draft); after it, a
-- worker claims it (status 'releasing', under a lease) and stores it in the
-- transaction that marks it 'released'. A release that is refused (the
-- ticket closed meanwhile, say) is 'failed' with the reason, and its text
-- goes back to the draft. Rows stay as the record of what was undone.
CREATE TABLE held_replies (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    override_reason TEXT,
    attachment_ids TEXT NOT NULL,
    decisions TEXT NOT NULL,
    status TEXT NOT NULL,
    release_at BIGINT NOT NULL,
    lease_until BIGINT,
    message_id BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX held_replies_due ON held_replies (status, release_at);
CREATE INDEX held_replies_ticket ON held_replies (ticket_id, agent_id);
