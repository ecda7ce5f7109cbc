import MySQL
import PortraitConfig
import PortraitJobs
import PortraitScheduler
import Redis

/// The runners `portrait schedule` has, by job kind: one line per kind. A kind without one
/// (`custom`) has its runs recorded as failed with "no runner for job kind …".
enum JobRunnerRegistry {
    static func runners(for configuration: PortraitConfiguration) -> JobRunners {
        // Pools of their own: runs hold a connection for a whole step, and must not starve the
        // scheduler's bookkeeping (leases, heartbeats) of connections.
        let mysql = MySQLPool(configuration: configuration.mysql, size: 2)
        let redis = RedisPool(configuration: configuration.redis, size: 2)
        var runners = JobRunners()
        runners.register(RetrainRunner(mysql: mysql, redis: redis), for: .retrain)
        runners.register(SegmentSizesRunner(mysql: mysql, redis: redis), for: .segmentSizes)
        let recompute = RecomputeRunner(mysql: mysql) { try RecomputeCommand.recompute(configuration: configuration, request: $0) }
        runners.register(recompute, for: .recompute)
        runners.register(recompute, for: .backfill)
        return runners
    }
}
