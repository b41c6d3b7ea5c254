-- The durable scheduler (rapport_store::jobs): timers and jobs kept in the
-- database, written in the same transaction as the change that causes them,
-- claimed under a lease (FOR UPDATE SKIP LOCKED on PostgreSQL) and marked
-- done in the same transaction as their effect, so each fires once.
CREATE TABLE jobs (
    id {id},
    kind TEXT NOT NULL,
    -- When it is due (UTC microseconds); a retry moves it on.
    due_at BIGINT NOT NULL,
    -- The kind's parameters, JSON.
    payload TEXT NOT NULL DEFAULT '{}',
    -- What the job is about, so a later change can replace or cancel it
    -- (e.g. "ticket:12:first_response"); at most one pending job per kind and key.
    job_key TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- The claim reads pending jobs by due time; the lease sweep reads running ones.
CREATE INDEX jobs_pending_due ON jobs (due_at, id) WHERE status = 'pending';
CREATE INDEX jobs_running_lease ON jobs (lease_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_pending_key ON jobs (kind, job_key) WHERE status = 'pending' AND job_key IS NOT NULL;

-- The stored names of JobKind and JobStatus. A later migration that adds a
-- kind drops this check (PostgreSQL: ALTER TABLE jobs DROP CONSTRAINT
-- jobs_kind_check; SQLite: DROP TRIGGER jobs_kind_check_insert and
-- jobs_kind_check_update) and writes it again with the new name.
{check jobs.kind IN ('probe')}
{check jobs.status IN ('pending', 'running', 'done', 'failed')}

-- What probe jobs record when they fire: one row per firing, deliberately
-- without a unique constraint, so a job that fired twice shows as two rows.
CREATE TABLE probe_firings (
    id {id},
    job_id BIGINT NOT NULL,
    label TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    fired_at BIGINT NOT NULL,
    fired_by TEXT NOT NULL
);
CREATE INDEX probe_firings_label ON probe_firings (label, job_id);
