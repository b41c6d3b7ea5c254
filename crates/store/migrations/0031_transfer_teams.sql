-- The teams any transfer has named (from or to), kept as they happen, so
-- deleting a team learns by key whether a ticket's history names it
-- instead of reading every transfer event's text. Filled from the existing
-- transfer events when this migration is applied.
CREATE TABLE transfer_teams (
    team_id BIGINT PRIMARY KEY
);
