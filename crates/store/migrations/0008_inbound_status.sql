-- Inbound mail states are an enum (rapport_store::InboundStatus); the
-- database refuses any other (a constraint on PostgreSQL, triggers on SQLite).
{check inbound_mail.status IN ('received', 'processed', 'duplicate', 'ignored', 'quarantined')}
