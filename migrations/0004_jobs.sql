-- 0004_jobs: scheduled jobs, their runs, and leases.
--
-- jobs holds both jobs declared in config/ (source = 'config', synced at scheduler start)
-- and jobs created at run time (source = 'runtime'). cron is NULL for a job that only runs
-- when triggered (e.g. a backfill started by activating a definition).
-- Note: ROWS is a reserved word in MariaDB 10.2+, hence rows_processed.

CREATE TABLE IF NOT EXISTS jobs (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name              VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    kind              VARCHAR(32) NOT NULL,
    cron              VARCHAR(128) NULL,
    time_zone         VARCHAR(64) NOT NULL DEFAULT 'UTC',
    params            JSON NOT NULL DEFAULT '{}',
    enabled           TINYINT(1) NOT NULL DEFAULT 1,
    source            VARCHAR(16) NOT NULL DEFAULT 'runtime',
    missed_run_policy VARCHAR(16) NOT NULL DEFAULT 'skip',
    max_retries       INT UNSIGNED NOT NULL DEFAULT 3,
    retry_backoff_ms  INT UNSIGNED NOT NULL DEFAULT 30000,
    timeout_ms        INT UNSIGNED NULL,
    last_scheduled_for DATETIME(6) NULL,
    created_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY uq_jobs_name (name),
    CONSTRAINT ck_jobs_kind CHECK (kind IN ('recompute', 'backfill', 'retrain', 'segment_sizes', 'custom')),
    CONSTRAINT ck_jobs_source CHECK (source IN ('config', 'runtime')),
    CONSTRAINT ck_jobs_missed_run_policy CHECK (missed_run_policy IN ('skip', 'catch_up_once'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per attempt. scheduled_for is the cron tick the run serves (NULL for manual and
-- triggered runs), and (job_name, scheduled_for, attempt) is unique, so two schedulers can
-- never both record the same tick. definition_versions / model_versions record exactly what
-- the run used, e.g. {"metrics": {"purchases_7d": 3}, "tags": {"vip": 5}} and {"rfm": 2}.
CREATE TABLE IF NOT EXISTS job_runs (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    job_name            VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    kind                VARCHAR(32) NOT NULL,
    trigger_kind        VARCHAR(16) NOT NULL DEFAULT 'schedule',
    scheduled_for       DATETIME(6) NULL,
    attempt             INT UNSIGNED NOT NULL DEFAULT 1,
    holder              VARCHAR(255) NULL,
    status              VARCHAR(16) NOT NULL DEFAULT 'running',
    params              JSON NOT NULL DEFAULT '{}',
    started_at          DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    heartbeat_at        DATETIME(6) NULL,
    ended_at            DATETIME(6) NULL,
    rows_processed      BIGINT UNSIGNED NULL,
    error               TEXT NULL,
    definition_versions JSON NULL,
    model_versions      JSON NULL,
    result              JSON NULL,
    cancel_requested    TINYINT(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY uq_job_runs_tick (job_name, scheduled_for, attempt),
    KEY ix_job_runs_job_started (job_name, started_at),
    KEY ix_job_runs_status (status, started_at),
    CONSTRAINT ck_job_runs_trigger CHECK (trigger_kind IN ('schedule', 'manual', 'catch_up', 'retry', 'activation')),
    CONSTRAINT ck_job_runs_status CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'abandoned'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- At most one holder per job. Acquire with an INSERT, or an UPDATE ... WHERE expires_at < now
-- (take-over of a crashed holder), bumping token each time. The token fences writes of a
-- holder whose lease was taken over.
CREATE TABLE IF NOT EXISTS job_leases (
    job_name    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    holder      VARCHAR(255) NOT NULL,
    token       BIGINT UNSIGNED NOT NULL DEFAULT 1,
    run_id      BIGINT UNSIGNED NULL,
    acquired_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    renewed_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (job_name),
    KEY ix_job_leases_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
