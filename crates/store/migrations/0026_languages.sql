-- Languages (rapport_app::i18n): the language an agent reads the workspace
-- in and the one a customer reads the portal and our mail in (a code such
-- as 'en' or 'de'; none: the browser's Accept-Language, then English), and
-- mail templates per language: the key becomes (name, language), the
-- templates saved so far are English. Rebuilt as a new table because
-- SQLite cannot change a primary key in place.
ALTER TABLE agents ADD COLUMN language TEXT;
ALTER TABLE customers ADD COLUMN language TEXT;
CREATE TABLE templates_by_language (
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    override_reason TEXT,
    updated_by BIGINT REFERENCES agents(id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (name, language)
);
INSERT INTO templates_by_language (name, language, subject, body, override_reason, updated_by, updated_at)
    SELECT name, 'en', subject, body, override_reason, updated_by, updated_at FROM templates;
DROP TABLE templates;
ALTER TABLE templates_by_language RENAME TO templates;
