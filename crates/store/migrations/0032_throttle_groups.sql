-- Each failed-login key's group: the key up to and including its last
-- colon (`pair:<account hash>:` for a client-and-account pair), so a
-- password reset forgets an account's pairs by an indexed equality instead
-- of a LIKE over the keys. Filled for the existing rows when applied.
ALTER TABLE login_throttle ADD COLUMN key_group TEXT NOT NULL DEFAULT '';
CREATE INDEX login_throttle_by_group ON login_throttle (key_group);
