/// What a job does; the scheduler hands each run to the runner registered for its kind.
/// The values are those `jobs.kind` allows (migrations/0004_jobs.sql).
public enum JobKind: String, Sendable, CaseIterable, Codable {
    case recompute, backfill, retrain
    case segmentSizes = "segment_sizes"
    case custom
}

/// What to do about cron ticks that passed while no scheduler was running.
public enum MissedRunPolicy: String, Sendable, CaseIterable, Codable {
    /// Run only the latest tick; the older ones are dropped (and counted in the log).
    case skip
    /// Run once, as a `catch_up` run that is told how many ticks it covers.
    case catchUpOnce = "catch_up_once"
}

/// Where a job was declared.
public enum JobSource: String, Sendable, Codable {
    /// config/jobs.yaml, synced into `jobs` at scheduler start.
    case config
    /// `portrait jobs create` (or code).
    case runtime
}
