-- Report projections (issue 13): one row of facts per ticket folded from its
-- events, and one row per check of every coach override, written in the
-- transaction of each ticket change and rebuilt from the log by
-- `rapport report rebuild`. Customer attributes are what the fairness audit
-- groups customers by.
CREATE TABLE report_tickets (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    team_id BIGINT,
    agent_id BIGINT,
    customer_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    counted BIGINT NOT NULL,
    first_response_minutes BIGINT,
    first_response_bucket BIGINT,
    resolution_minutes BIGINT,
    resolution_bucket BIGINT,
    resolved BIGINT NOT NULL,
    one_touch BIGINT NOT NULL,
    reopens BIGINT NOT NULL,
    transfers BIGINT NOT NULL,
    first_response_met BIGINT,
    resolution_met BIGINT,
    promises_made BIGINT NOT NULL,
    promises_on_time BIGINT NOT NULL,
    promises_late BIGINT NOT NULL,
    promises_broken BIGINT NOT NULL,
    overrides BIGINT NOT NULL,
    csat BIGINT,
    recovery_opened BIGINT NOT NULL,
    recovery_closed BIGINT NOT NULL
);
CREATE INDEX report_tickets_by_day ON report_tickets (day);
CREATE INDEX report_tickets_by_team ON report_tickets (team_id, day);
CREATE INDEX report_tickets_by_agent ON report_tickets (agent_id, day);

CREATE TABLE report_overrides (
    event_id BIGINT NOT NULL,
    check_name TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    agent_id BIGINT,
    team_id BIGINT,
    day BIGINT NOT NULL,
    PRIMARY KEY (event_id, check_name)
);
CREATE INDEX report_overrides_by_ticket ON report_overrides (ticket_id);
CREATE INDEX report_overrides_by_day ON report_overrides (day);

CREATE TABLE customer_attributes (
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (customer_id, name)
);
CREATE INDEX customer_attributes_by_name ON customer_attributes (name, value);
