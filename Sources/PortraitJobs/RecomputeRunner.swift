import JSON
import MySQL
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import PortraitScheduler

/// What a recompute run is asked to do; the `portrait` executable turns it into a
/// ``ProfileRecompute`` with the same mapping and timing settings as `portrait recompute`.
public struct RecomputeRequest: Sendable {
    public var scratchDatabase: Int?
    public var allowPartialHistory = false
    /// Mapping file, watermark delay and time tick as `portrait process` takes them; `nil`
    /// for the defaults (they must match the live processors' for stream = batch).
    public var mapping: String?
    public var watermarkDelay: String?
    public var timeTick: String?
}

/// The `recompute` and `backfill` jobs: both rebuild every profile from history into a new
/// generation and swap it in (docs/RECOMPUTE.md). A backfill names the metrics it is for
/// (`{"metrics": ["spend_30d"]}`, queued by the CLI or API when a metric becomes active); it
/// fails without computing anything if one of them is not active any more.
///
/// Params: `scratch_db`, `allow_partial_history`, `mapping`, `watermark_delay`, `time_tick`,
/// and for backfills `metrics`. `rows` is the inputs replayed; the result holds the
/// generation, inputs from the archive and from Kafka, profiles, seconds and any history gap.
/// A run is not cancelled half-way: cancellation is honoured before the replay starts.
public struct RecomputeRunner: JobRunner {
    private let mysql: MySQLPool
    private let recompute: @Sendable (RecomputeRequest) throws -> RecomputeReport

    public init(mysql: MySQLPool, recompute: @escaping @Sendable (RecomputeRequest) throws -> RecomputeReport) {
        self.mysql = mysql
        self.recompute = recompute
    }

    public func run(job: Job, run: JobRun, context: JobContext) async throws -> JobOutcome {
        var allowed: Set<String> = ["scratch_db", "allow_partial_history", "mapping", "watermark_delay", "time_tick"]
        if job.kind == .backfill { allowed.insert("metrics") }
        let params = try JobParams(run.params, allowed: allowed)
        var request = RecomputeRequest()
        request.scratchDatabase = try params.integer("scratch_db")
        request.allowPartialHistory = try params.boolean("allow_partial_history") ?? false
        request.mapping = try params.string("mapping")
        request.watermarkDelay = try params.string("watermark_delay")
        request.timeTick = try params.string("time_tick")
        if job.kind == .backfill {
            guard let metrics = try params.strings("metrics"), !metrics.isEmpty else { throw JobParamsError(key: "metrics", "is required for a backfill") }
            let mysql = mysql
            try await BlockingWork.run {
                try mysql.withConnection { db in
                    let store = DefinitionStore(connection: db)
                    for name in metrics where try store.current(MetricDefinition.self, named: name)?.definition.status != .active {
                        throw JobParamsError(key: "metrics", "metric \(name) is not active")
                    }
                }
            }
        }
        try await context.checkCancellation()
        let (recompute, asked) = (recompute, request)
        let report = try await BlockingWork.run { try recompute(asked) }
        var result: [String: JSONValue] = [
            "generation": .integer(report.generation), "inputs": .integer(Int64(report.inputs)), "from_archive": .integer(Int64(report.fromArchive)),
            "from_kafka": .integer(Int64(report.fromKafka)), "profiles": .integer(Int64(report.profiles)),
            "compute_s": .number(report.computeSeconds), "total_s": .number(report.totalSeconds),
        ]
        if !report.missingHistory.isEmpty { result["missing_history"] = .array(report.missingHistory.map(JSONValue.string)) }
        var metrics: [String: JSONValue] = [:], tags: [String: JSONValue] = [:]
        for (key, version) in report.definitionVersions {
            if key.hasPrefix("metric:") { metrics[String(key.dropFirst(7))] = .integer(Int64(version)) }
            if key.hasPrefix("tag:") { tags[String(key.dropFirst(4))] = .integer(Int64(version)) }
        }
        return JobOutcome(
            rows: report.inputs, result: .object(result), definitionVersions: .object(["metrics": .object(metrics), "tags": .object(tags)]),
            modelVersions: .object(report.modelVersions.mapValues { .integer(Int64($0)) }))
    }
}
