-- User-editable mail templates: the acknowledgment and canned replies.
CREATE TABLE templates (
    name TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    override_reason TEXT,
    updated_by BIGINT REFERENCES agents(id),
    updated_at BIGINT NOT NULL
);
