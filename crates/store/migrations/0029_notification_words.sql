-- A notification's words as the catalogues hold them (a key and its
-- values, JSON), so each agent reads it in their own language; `text`
-- keeps the English sentence for the API. Rows written before have none
-- and show their text as it was written.
ALTER TABLE notifications ADD COLUMN words TEXT;
