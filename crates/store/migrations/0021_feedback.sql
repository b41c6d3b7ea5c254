-- Satisfaction surveys: one per ticket at most (asked once, ever). The
-- survey link is signed (HMAC of the ticket), so nothing secret is stored;
-- the answer may be changed until expires_at (each answer is also a ticket
-- event; the row keeps the latest).
CREATE TABLE surveys (
    id {id},
    ticket_id BIGINT NOT NULL UNIQUE REFERENCES tickets(id) ON DELETE CASCADE,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    asked_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    mailed_to TEXT,
    rating BIGINT,
    comment TEXT,
    answers BIGINT NOT NULL DEFAULT 0,
    answered_at BIGINT,
    follow_up_ticket_id BIGINT REFERENCES tickets(id) ON DELETE SET NULL
);
CREATE INDEX surveys_by_customer ON surveys (customer_id, asked_at);

-- Recovery tasks: a low rating or a negative review, for a lead to follow
-- up by a due time. One per ticket and source.
CREATE TABLE recovery_tasks (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('survey', 'review')),
    rating BIGINT NOT NULL,
    words TEXT NOT NULL,
    owner_id BIGINT REFERENCES agents(id),
    lead_id BIGINT REFERENCES agents(id),
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    due_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('recovered', 'not_recovered', 'unreachable')),
    follow_up TEXT,
    closed_by BIGINT REFERENCES agents(id),
    closed_at BIGINT,
    UNIQUE (ticket_id, source)
);
CREATE INDEX recovery_tasks_by_status ON recovery_tasks (status, due_at, id);

-- Public reviews and mentions imported as tickets, unique by where they
-- were posted and their id there.
CREATE TABLE reviews (
    id {id},
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    rating BIGINT,
    url TEXT,
    posted_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (source, external_id)
);

-- A team's lead: who follows up its recovery tasks.
ALTER TABLE teams ADD COLUMN lead_agent_id BIGINT REFERENCES agents(id);

{check jobs.kind IN ('probe', 'promise_reminder', 'promise_due', 'acknowledge', 'sla_escalation', 'survey')}
{uncheck outbox.kind}
{check outbox.kind IN ('reply', 'acknowledgment', 'sign_in_link', 'escalation', 'survey')}
{check notifications.kind IN ('sla_warning', 'sla_breach', 'promise_reminder', 'promise_broken', 'mention', 'recovery_task')}
