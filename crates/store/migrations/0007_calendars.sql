-- Business calendars (rapport_core::calendar): when the desk is open, its
-- holidays and closures. `spec` is the CalendarSpec as JSON, with the stable
-- names the API shows. One calendar is the default that acknowledgments,
-- the coach's promise due times and the posted hours use; the first server
-- to start seeds it from the configuration's [business] section.
CREATE TABLE calendars (
    id {id},
    name TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    updated_at BIGINT NOT NULL
);

-- At most one default: two servers seeding at once cannot both succeed.
CREATE UNIQUE INDEX calendars_one_default ON calendars (is_default) WHERE is_default = 1;
