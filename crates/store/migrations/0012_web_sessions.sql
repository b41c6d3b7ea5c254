-- Browser sessions of the web pages: an agent's workspace or a customer's
-- portal, never both (kind). Only the SHA-256 of the cookie's token is
-- stored, as for API tokens; every server reads the same rows.
CREATE TABLE web_sessions (
    id {id},
    token_hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    agent_id BIGINT REFERENCES agents(id),
    customer_id BIGINT REFERENCES customers(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX web_sessions_agent ON web_sessions (agent_id);
CREATE INDEX web_sessions_customer ON web_sessions (customer_id);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
{check web_sessions.kind IN ('agent', 'customer')}
