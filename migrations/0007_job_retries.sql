-- 0007_job_retries: when a failed or abandoned run's next attempt is due.
--
-- The scheduler writes retry_at when it records a failure that still has retries left
-- (ended_at + retry_backoff_ms doubled per attempt) and NULL when there is none (success,
-- cancel, retries used up, a job kind with no runner), so finding due retries is one
-- comparison and `portrait jobs show` can say when the next attempt comes.

ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS retry_at DATETIME(6) NULL AFTER cancel_requested;
