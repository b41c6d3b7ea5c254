-- Pre-summed report cells (issue 13 at a million tickets): the counted
-- tickets of one day, team, owner, channel and priority summed, with their
-- time histograms as `bucket:tickets` pairs (team and owner 0: none), and
-- the coach overrides by day, team, overriding agent and check with how
-- many of their tickets came back unhappy. Kept in the transaction of each
-- ticket change; summed from report_tickets when this is applied and by
-- `rapport report rebuild`.
CREATE TABLE report_cells (
    day BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    agent_id BIGINT NOT NULL,
    channel TEXT NOT NULL,
    priority TEXT NOT NULL,
    tickets BIGINT NOT NULL,
    resolved BIGINT NOT NULL,
    one_touch BIGINT NOT NULL,
    reopened BIGINT NOT NULL,
    transfers BIGINT NOT NULL,
    first_response_met BIGINT NOT NULL,
    first_response_targets BIGINT NOT NULL,
    resolution_met BIGINT NOT NULL,
    resolution_targets BIGINT NOT NULL,
    promises_made BIGINT NOT NULL,
    promises_on_time BIGINT NOT NULL,
    overrides BIGINT NOT NULL,
    csat_sum BIGINT NOT NULL,
    csat_responses BIGINT NOT NULL,
    low_csat BIGINT NOT NULL,
    recovery_opened BIGINT NOT NULL,
    recovery_closed BIGINT NOT NULL,
    first_response_hist TEXT NOT NULL,
    resolution_hist TEXT NOT NULL,
    PRIMARY KEY (day, team_id, agent_id, channel, priority)
);
CREATE INDEX report_cells_by_team ON report_cells (team_id, day);
CREATE INDEX report_cells_by_agent ON report_cells (agent_id, day);

CREATE TABLE report_override_cells (
    day BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    agent_id BIGINT NOT NULL,
    check_name TEXT NOT NULL,
    overrides BIGINT NOT NULL,
    unhappy BIGINT NOT NULL,
    PRIMARY KEY (day, team_id, agent_id, check_name)
);
CREATE INDEX report_override_cells_by_team ON report_override_cells (team_id, day);
CREATE INDEX report_override_cells_by_agent ON report_override_cells (agent_id, day);
