-- Response targets (SLA): policies chosen by conditions, the clocks' due
-- times kept on each ticket (recomputed from its events on every relevant
-- change), and notifications for agents (warnings, breaches, promises).
CREATE TABLE sla_policies (
    id {id},
    name TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL,
    -- rapport_core::sla::PolicyConditions as JSON.
    conditions TEXT NOT NULL,
    calendar_id BIGINT REFERENCES calendars(id),
    first_response_minutes BIGINT,
    next_response_minutes BIGINT,
    resolution_minutes BIGINT,
    warn_permille BIGINT NOT NULL DEFAULT 750,
    updated_at BIGINT NOT NULL
);
CREATE INDEX sla_policies_by_position ON sla_policies (position, id);

-- The policy that applies, the earliest due time of a running clock, and
-- when a running clock next passes its warning share or target unrecorded.
ALTER TABLE tickets ADD COLUMN sla_policy_id BIGINT;
ALTER TABLE tickets ADD COLUMN sla_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN sla_alert_at BIGINT;
CREATE INDEX tickets_by_sla_due ON tickets (sla_due_at, id) WHERE sla_due_at IS NOT NULL;
CREATE INDEX tickets_by_sla_alert ON tickets (sla_alert_at) WHERE sla_alert_at IS NOT NULL;

-- The newest clock events first (what first responses really took, for
-- the acknowledgment's honest promise).
CREATE INDEX events_by_type_id ON events (type, id);

-- Where an agent is, for the times in their notifications and mail.
ALTER TABLE agents ADD COLUMN time_zone TEXT;

CREATE TABLE notifications (
    id {id},
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_by_agent ON notifications (agent_id, read_at, id);
{check notifications.kind IN ('sla_warning', 'sla_breach', 'promise_reminder', 'promise_broken', 'mention')}
-- Escalation mail to agents: a job (composed outside the transaction, due
-- in business hours when so configured) and its own outbox kind.
{check jobs.kind IN ('probe', 'promise_reminder', 'promise_due', 'acknowledge', 'sla_escalation')}
{uncheck outbox.kind}
{check outbox.kind IN ('reply', 'acknowledgment', 'sign_in_link', 'escalation')}
