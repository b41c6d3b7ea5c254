-- Deleting a team that solved or closed tickets still name archives it
-- instead: the row (and so its name on those tickets) stays, it leaves the
-- team list, nobody can be put in it and no ticket transferred to it. A
-- team no ticket names is deleted outright.
ALTER TABLE teams ADD COLUMN archived_at BIGINT;

-- What admins did to other agents' accounts (a password reset): who did it,
-- to whom and when. Never the password or a link.
CREATE TABLE agent_audit (
    id {id},
    actor_id BIGINT NOT NULL REFERENCES agents(id),
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    action TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX agent_audit_by_agent ON agent_audit (agent_id, id);
{check agent_audit.action IN ('password_reset')}
