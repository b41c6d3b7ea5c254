-- Inbound mail: raw bytes kept first, then the outcome of processing.
CREATE TABLE inbound_mail (
    id {id},
    content_hash TEXT NOT NULL UNIQUE,
    message_id TEXT,
    raw {blob} NOT NULL,
    received_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE SET NULL
);
CREATE INDEX inbound_mail_by_status ON inbound_mail (status, id);

-- Every Message-ID seen on (or sent for) a ticket, for threading replies.
CREATE TABLE mail_message_ids (
    message_id TEXT PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE
);
