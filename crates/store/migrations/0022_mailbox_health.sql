-- What each IMAP mailbox's poller last did, written by whichever server
-- reads the mailbox, so the admin page of every server shows the same:
-- when a pass over the folder last succeeded (and how many messages it
-- fetched), and the last failure (cannot connect, log in, read) with its
-- time. A failure older than the last good pass is history, not a problem.
CREATE TABLE mailbox_health (
    mailbox TEXT PRIMARY KEY,
    last_poll_at BIGINT,
    last_fetched BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at BIGINT,
    updated_at BIGINT NOT NULL
);
