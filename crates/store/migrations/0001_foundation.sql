-- Rapport's foundation schema. `{id}` becomes each engine's identity column.
-- Instants are BIGINT microseconds since the epoch (UTC); flags are BIGINT 0/1.

CREATE TABLE agents (
    id {id},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE teams (
    id {id},
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent ON team_members (agent_id);

CREATE TABLE api_tokens (
    id {id},
    agent_id BIGINT NOT NULL REFERENCES agents(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_tokens_agent ON api_tokens (agent_id, id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE customers (
    id {id},
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_name ON customers (name, id);

CREATE TABLE customer_identities (
    id {id},
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE tickets (
    id {id},
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    channel TEXT NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    team_id BIGINT REFERENCES teams(id),
    owner_id BIGINT REFERENCES agents(id),
    tags TEXT NOT NULL,
    transfer_count BIGINT NOT NULL,
    has_public_reply BIGINT NOT NULL,
    closure TEXT,
    duplicate_of BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
-- One index per list view, each ending in the sort key and id (keyset cursors).
CREATE INDEX tickets_by_updated ON tickets (updated_at, id);
CREATE INDEX tickets_by_status ON tickets (status, updated_at, id);
CREATE INDEX tickets_by_team ON tickets (team_id, status, updated_at, id);
CREATE INDEX tickets_by_owner ON tickets (owner_id, status, updated_at, id);
CREATE INDEX tickets_by_customer ON tickets (customer_id, updated_at, id);

CREATE TABLE messages (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id BIGINT,
    body_text TEXT NOT NULL,
    body_html TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_by_ticket ON messages (ticket_id, id);

CREATE TABLE events (
    id {id},
    ticket_id BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    actor_kind TEXT NOT NULL,
    actor_id BIGINT,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX events_by_ticket ON events (ticket_id, id);
CREATE INDEX events_by_type ON events (type, at);
