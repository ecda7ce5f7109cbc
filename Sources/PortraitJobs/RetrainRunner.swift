import JSON
import MySQL
import PortraitModels
import PortraitScheduler
import Redis

/// The `retrain` job: fits the model its params name (``RetrainParams``) on the stored
/// profiles with the ``Retrainer``, registers the version with its held-out metrics, and
/// promotes it only if it beats the active version by the model's margin — the same rule as
/// `portrait models promote`, so a worse version stays a candidate.
///
/// The run records `rows` (profiles read), `model_versions` (`{"<model>": <version registered>}`)
/// and, as its result, the ``RetrainingOutcome``: version, metrics, promoted, the active version
/// before and after, and the rule's reason. Bad params, too few profiles or an unreachable
/// store fail the run with their message, retried per the job's policy.
public struct RetrainRunner: JobRunner {
    private let mysql: MySQLPool
    private let redis: RedisPool

    public init(mysql: MySQLPool, redis: RedisPool) {
        self.mysql = mysql
        self.redis = redis
    }

    public func run(job: Job, run: JobRun, context: JobContext) async throws -> JobOutcome {
        // The run's params: a manual run keeps those the job had when it was requested.
        var request = try RetrainParams.request(from: run.params)
        request.actor = "job:\(job.name)"
        request.jobRunId = run.id
        try await context.checkCancellation()
        let (mysql, redis, retraining) = (mysql, redis, request)
        // One blocking step: reading the feature table and fitting cannot stop half-way, so
        // a cancel is honoured before it starts.
        let outcome = try await BlockingWork.run {
            try mysql.withConnection { db in
                try redis.withConnection { profiles in
                    try Retrainer(registry: ModelRegistry(connection: db), redis: profiles).run(retraining)
                }
            }
        }
        context.logger.info("retrained", metadata: [
            "model": "\(outcome.name)", "version": "\(outcome.version)", "promoted": "\(outcome.promoted)", "reason": "\(outcome.reason)",
        ])
        return JobOutcome(
            rows: outcome.rows, result: try JSONValue(parsing: outcome.json()),
            modelVersions: .object([outcome.name: .integer(Int64(outcome.version))]))
    }
}
