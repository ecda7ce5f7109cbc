import PortraitConfig
import PortraitScheduler

/// The runners `portrait schedule` has, by job kind. None are plugged in yet: the recompute,
/// backfill, retrain and segment_sizes runners arrive with the rest of issue #9, and until
/// then a run of any kind is recorded as failed with "no runner for job kind …".
enum JobRunnerRegistry {
    static func runners(for configuration: PortraitConfiguration) -> JobRunners {
        JobRunners()
    }
}
