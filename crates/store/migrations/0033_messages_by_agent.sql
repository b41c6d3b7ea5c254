-- The tickets an agent wrote on, by key: renaming an agent re-indexes
-- their tickets for search (their name is indexed as a sender) without
-- reading every message.
CREATE INDEX messages_by_agent ON messages (author_id, ticket_id) WHERE author_kind = 'agent';
