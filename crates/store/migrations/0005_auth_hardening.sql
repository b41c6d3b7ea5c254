-- Holding up under attack: token scopes, login throttling kept in the
-- database (so every server shares it and a restart forgets nothing), who
-- entered words written by someone else, and the history of a customer's
-- addresses.

-- How much of its agent's rights a token carries (rapport_core::Scope).
-- Tokens made before scopes keep the full rights of their agent's role.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'agent'
    CHECK (scope IN ('inbound_mail', 'metrics', 'read_only', 'agent', 'admin'));
UPDATE api_tokens SET scope = 'admin'
    WHERE agent_id IN (SELECT id FROM agents WHERE role = 'admin');

-- Failed logins per bounded key: 'ip:<client address>', 'account:<SHA-256
-- of the e-mail>' or 'pair:<SHA-256 of address and e-mail>'. The wait before
-- the next attempt follows from failures and last_failure_at; rows an hour
-- past their last failure are forgotten and pruned.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL
);
CREATE INDEX login_throttle_by_time ON login_throttle (last_failure_at);

-- The agent who entered a message someone else wrote (a customer on the phone).
ALTER TABLE messages ADD COLUMN entered_by BIGINT REFERENCES agents(id);

-- Changes to a customer's record that matter for where mail goes, by whom.
CREATE TABLE customer_events (
    id {id},
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    agent_id BIGINT REFERENCES agents(id),
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX customer_events_by_customer ON customer_events (customer_id, id);
