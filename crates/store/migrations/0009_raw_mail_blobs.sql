-- Large raw messages are kept in the blob store under their SHA-256 (the
-- content_hash) instead of in the row, so taking one in never holds its
-- bytes in the database's page cache and the database stays small.
-- raw_kept says where the bytes are ('row' or 'blobs'); raw_size is their
-- length either way (NULL for rows written before this migration).
ALTER TABLE inbound_mail ADD COLUMN raw_kept TEXT NOT NULL DEFAULT 'row';
ALTER TABLE inbound_mail ADD COLUMN raw_size BIGINT;
{check inbound_mail.raw_kept IN ('row', 'blobs')}
