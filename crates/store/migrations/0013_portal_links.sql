-- One-time sign-in links of the customer portal: only the SHA-256 of the
-- link's secret is stored; a link works once (used_at) and until expires_at.
CREATE TABLE portal_links (
    id {id},
    token_hash TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX portal_links_customer ON portal_links (customer_id, created_at);

-- The outbox also carries those links.
{uncheck outbox.kind}
{check outbox.kind IN ('reply', 'acknowledgment', 'sign_in_link')}
