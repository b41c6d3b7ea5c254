-- Promises made to customers in replies (rapport_core::PromiseStatus): the
-- sentence, when it is due (resolved in the business calendar), whose it is,
-- and how it ended. Reminders and the broken-promise check are jobs.
CREATE TABLE promises (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    owner_id BIGINT NOT NULL REFERENCES agents(id),
    team_id BIGINT,
    text TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at BIGINT NOT NULL,
    settled_at BIGINT,
    -- The message to the customer prepared when it broke, for the owner.
    recovery_draft TEXT
);
CREATE INDEX promises_by_owner ON promises (owner_id, status, due_at);
CREATE INDEX promises_by_team ON promises (team_id, status, due_at);
CREATE INDEX promises_by_ticket ON promises (ticket_id, id);
{check promises.status IN ('open', 'kept', 'broken', 'dropped')}
-- The job kinds grow by the promise timers and the acknowledgment of a new
-- request (this replaces the earlier check).
{check jobs.kind IN ('probe', 'promise_reminder', 'promise_due', 'acknowledge')}
