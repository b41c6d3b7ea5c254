-- The rest of the e-mail channel: participants, attachments, bouncing
-- addresses, the outbox for mail Rapport sends, and IMAP positions.

-- The stored message a Message-ID came with (or was sent as).
ALTER TABLE mail_message_ids ADD COLUMN message_ref BIGINT;
ALTER TABLE mail_message_ids ADD COLUMN outbound BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mail_message_ids ADD COLUMN linked_at BIGINT NOT NULL DEFAULT 0;
-- For a received message, what its sender wrote (see rapport_mail's
-- fingerprint): the same message by another way in has the same one.
ALTER TABLE mail_message_ids ADD COLUMN fingerprint TEXT;
CREATE INDEX mail_message_ids_by_ticket ON mail_message_ids (ticket_id, linked_at);

-- An address that bounced permanently, until the customer writes from it again.
ALTER TABLE customer_identities ADD COLUMN bouncing_since BIGINT;
ALTER TABLE customer_identities ADD COLUMN bounce_reason TEXT;

-- People copied on a ticket's mail besides its customer.
CREATE TABLE ticket_participants (
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (ticket_id, email)
);

-- Files on messages; the bytes live in the blob store under their SHA-256.
-- message_ref is NULL for an agent's upload not yet sent with a reply.
CREATE TABLE attachments (
    id {id},
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    message_ref BIGINT REFERENCES messages(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content_id TEXT,
    inline BIGINT NOT NULL DEFAULT 0,
    uploaded_by BIGINT REFERENCES agents(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_message ON attachments (message_ref, id);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id, id);

-- Mail to send, written in the same transaction as the reply or ticket that
-- caused it; a worker claims, sends and marks it. Never deleted, so a
-- ticket shows what was sent and what failed.
CREATE TABLE outbox (
    id {id},
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    message_ref BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    mail_from TEXT NOT NULL,
    recipients TEXT NOT NULL,
    rate_key TEXT NOT NULL,
    raw {blob} NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    claimed_by TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_by_ticket ON outbox (ticket_id, id);
CREATE INDEX outbox_by_rate_key ON outbox (rate_key, kind, created_at);

-- Where each IMAP mailbox was read up to.
CREATE TABLE mailbox_state (
    mailbox TEXT PRIMARY KEY,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
