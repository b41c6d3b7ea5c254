-- The coach's findings on every sent reply (issue 13): `report_overrides`
-- now holds a row per check of both the overrides (overridden 1) and the
-- findings (overridden 0) of each reply, and the coach cells count the
-- findings beside the overrides.
ALTER TABLE report_overrides ADD COLUMN overridden BIGINT NOT NULL DEFAULT 1;
ALTER TABLE report_override_cells ADD COLUMN findings BIGINT NOT NULL DEFAULT 0;
