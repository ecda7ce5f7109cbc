import Foundation
import JSON
import MySQL
import PortraitCore
import PortraitMetadata
import PortraitModels
import PortraitProcessor
import PortraitScheduler
import Redis
import Testing

/// The shipped runners run by a real scheduler (manual clock) on MariaDB and Redis. One suite,
/// serialized: every test empties the same scratch database and Redis database.
@Suite("Job runners through the scheduler (scripts/services up)", .serialized)
struct JobRunnerTests {
    static let propensity: JSONValue = .object([
        "model": .string("propensity"), "algorithm": .string("logistic_regression"),
        "features": .array([.string("m.spend"), .string("m.visits")]), "label": .string("t.buyer"), "margin": .number(0.02),
    ])

    @Test func aRetrainJobRegistersAVersionWithItsMetricsAndAWorseVersionStaysACandidate() async throws {
        let env = try JobRunnerTestEnvironment(start: utc("2025-06-01 00:00"))
        try env.writeShoppers(count: 400)
        let spec = JobSpec(name: "retrain_propensity", kind: .retrain, cron: try CronExpression(parsing: "0 4 * * *"), params: Self.propensity)
        try env.store.create(spec, now: utc("2025-06-01 00:00"))

        let first = try await env.tick(at: utc("2025-06-01 04:00"))
        #expect(first.map(\.completion.status) == [.succeeded], "\(first.map(\.completion.error))")
        let firstId = try #require(first.first).run.id
        let run = try #require(try env.store.run(id: firstId))
        #expect(run.status == .succeeded)
        #expect(run.rows == 400)
        #expect(run.modelVersions == .object(["propensity": .integer(1)]))
        #expect(run.result?["version"] == .integer(1))
        #expect(run.result?["promoted"] == .bool(true))
        guard case .number(let auc)? = run.result?["metrics"]?["auc"] else { Issue.record("no auc in \(String(describing: run.result))"); return }
        #expect(auc > 0.75)

        let registry = ModelRegistry(connection: env.mysql)
        let v1 = try registry.version("propensity", 1)
        #expect(v1.status == .active)
        #expect(v1.metrics["auc"] == auc)
        #expect(v1.createdBy == "job:retrain_propensity")
        let recordedRun = try env.mysql.query("SELECT job_run_id FROM model_versions WHERE version = 1").first?.decode(UInt64?.self, "job_run_id")
        #expect(recordedRun == run.id)

        // The next night the labels carry no signal: the new version is registered, not promoted.
        _ = try env.redis.command("FLUSHDB")
        try env.writeShoppers(count: 400, shuffledLabels: true)
        let second = try await env.tick(at: utc("2025-06-02 04:00"))
        #expect(second.map(\.completion.status) == [.succeeded], "\(second.map(\.completion.error))")
        let secondId = try #require(second.first).run.id
        let worse = try #require(try env.store.run(id: secondId))
        #expect(worse.modelVersions == .object(["propensity": .integer(2)]))
        #expect(worse.result?["promoted"] == .bool(false))
        #expect(worse.result?["activeVersion"] == .integer(1))
        guard case .string(let reason)? = worse.result?["reason"] else { Issue.record("no reason"); return }
        #expect(reason.hasPrefix("AUC not at least the margin higher"))
        #expect(try registry.version("propensity", 2).status == .candidate)
        #expect(try registry.head("propensity").activeVersion == 1)
    }

    @Test func aRetrainWithInvalidParamsFailsWithItsMessageAndIsRetriedPerPolicy() async throws {
        let env = try JobRunnerTestEnvironment(start: utc("2025-06-01 00:00"))
        var spec = JobSpec(name: "bad_retrain", kind: .retrain, cron: try CronExpression(parsing: "0 4 * * *"), params: .object([
            "model": .string("x"), "algorithm": .string("svm"), "features": .array([.string("m.spend")]),
        ]))
        spec.maxRetries = 1
        spec.retryBackoffMs = 60_000
        try env.store.create(spec, now: utc("2025-06-01 00:00"))
        let message = #"params.algorithm: must be kmeans or logistic_regression, got "svm""#

        let first = try #require(try await env.tick(at: utc("2025-06-01 04:00")).first)
        let failed = try #require(try env.store.run(id: first.run.id))
        #expect(failed.status == .failed)
        #expect(failed.error == message)
        #expect(failed.retryAt == utc("2025-06-01 04:01:00"))
        #expect(try await env.tick(at: utc("2025-06-01 04:00:30")).isEmpty)  // not before the backoff

        let retry = try #require(try await env.tick(at: utc("2025-06-01 04:01:00")).first)
        #expect(retry.run.trigger == .retry)
        #expect(retry.run.attempt == 2)
        let retried = try #require(try env.store.run(id: retry.run.id))
        #expect(retried.status == .failed)
        #expect(retried.error == message)
        #expect(retried.retryAt == nil)  // max_retries 1: given up
        #expect(try await env.tick(at: utc("2025-06-01 05:00")).isEmpty)
        #expect(try env.store.history(of: "bad_retrain").map(\.status) == [.failed, .failed])
    }

    @Test(arguments: [
        (JSONValue.object(["model": .string("m"), "algorithm": .string("kmeans")]), "params.features: is required"),
        (.object(["model": .string("m"), "algorithm": .string("kmeans"), "features": .string("m.a"), "kk": .integer(3)]), "params.kk: unknown key"),
        (.object(["model": .string("m"), "algorithm": .string("kmeans"), "features": .string("m.a"), "k": .string("3")]), "params.k: must be an integer"),
        (.object(["model": .string("m"), "algorithm": .string("logistic_regression"), "features": .string("m.a"), "label": .string("buyer")]),
         "params.label: invalid label 'buyer'"),
        (.object(["model": .string("m"), "algorithm": .string("kmeans"), "features": .string("m.a")]), "not enough data"),
    ])
    func retrainErrorsNameWhatIsWrong(params: JSONValue, prefix: String) async throws {
        let env = try JobRunnerTestEnvironment(start: utc("2025-06-01 00:00"))
        try env.store.create(JobSpec(name: "r", kind: .retrain, cron: nil, params: params, maxRetries: 0), now: utc("2025-06-01 00:00"))
        let queued = try env.store.requestRun(of: "r", now: utc("2025-06-01 00:00:01"))
        _ = try await env.tick(at: utc("2025-06-01 00:00:05"))
        let run = try #require(try env.store.run(id: queued.id))
        #expect(run.status == .failed)
        #expect(run.error?.hasPrefix(prefix) == true, "\(run.error ?? "no error")")
        #expect(run.retryAt == nil)
    }

    /// Users 1…10; buyers 1, 2, 3, 5; vips 2, 9. Segments: buyers, vips, ghosts (reads a tag
    /// that does not exist), old (retired).
    static func writeSegments(_ env: JobRunnerTestEnvironment) throws {
        let definitions = DefinitionStore(connection: env.mysql)
        try definitions.create(TagDefinition(name: "buyer", expression: "true", status: .active), author: "t")
        try definitions.create(TagDefinition(name: "vip", expression: "true", status: .active), author: "t")
        _ = try env.redis.command("SET", ProfileKeys.nextDenseId, 10)
        for id in 1...10 { _ = try env.redis.command("SETBIT", ProfileKeys.population(shard: 0), id, 1) }
        for (tag, ids) in [("buyer", [1, 2, 3, 5]), ("vip", [2, 9])] {
            for id in ids { _ = try env.redis.command("SETBIT", ProfileKeys.bitmap(tag: tag, value: nil, shard: 0), id, 1) }
        }
        for (name, expression, status) in [("buyers", "tag.buyer", "active"), ("vips", "tag.vip", "active"), ("ghosts", "tag.ghost", "active"),
                                           ("old", "tag.buyer and tag.vip", "retired")] {
            let id = try env.mysql.execute(
                "INSERT INTO segments (name, owner, current_version, status) VALUES (?, 't', 1, ?)", [.string(name), .string(status)]).lastInsertId
            try env.mysql.execute("INSERT INTO segment_versions (segment_id, version, expression, author) VALUES (?, 1, ?, 't')",
                                  [.uint(id), .string(expression)])
        }
    }

    func recordedSizes(_ env: JobRunnerTestEnvironment) throws -> [String: [Int64]] {
        var sizes: [String: [Int64]] = [:]
        for row in try env.mysql.query("SELECT s.name, z.size FROM segment_sizes z JOIN segments s ON s.id = z.segment_id ORDER BY z.measured_at") {
            sizes[try row.decode(String.self, "name"), default: []].append(try row.decode(Int64.self, "size"))
        }
        return sizes
    }

    @Test func segmentSizesRecordsEverySavedSegmentsSize() async throws {
        let env = try JobRunnerTestEnvironment(start: utc("2025-06-01 00:00"))
        try Self.writeSegments(env)
        try env.store.create(JobSpec(name: "sizes", kind: .segmentSizes, cron: try CronExpression(parsing: "*/15 * * * *")), now: utc("2025-06-01 00:00"))

        let reports = try await env.tick(at: utc("2025-06-01 00:15"))
        let runId = try #require(reports.first).run.id
        let run = try #require(try env.store.run(id: runId))
        #expect(run.status == .succeeded, "\(run.error ?? "")")
        #expect(run.rows == 2)
        #expect(try recordedSizes(env) == ["buyers": [4], "vips": [2]])
        guard case .string(let why)? = run.result?["unmeasurable"]?["ghosts"] else { Issue.record("ghosts not reported"); return }
        #expect(why.contains("ghost"))
        let population = try env.mysql.query("SELECT DISTINCT population FROM segment_sizes").map { try $0.decode(Int64.self, "population") }
        #expect(population == [10])
    }

    @Test func segmentSizesMeasuresOnlyTheSegmentsItsParamsName() async throws {
        let env = try JobRunnerTestEnvironment(start: utc("2025-06-01 00:00"))
        try Self.writeSegments(env)
        try env.store.create(JobSpec(name: "vips_only", kind: .segmentSizes, cron: nil, params: .object(["segments": .array([.string("vips")])])),
                             now: utc("2025-06-01 00:00"))
        try env.store.create(JobSpec(name: "typo", kind: .segmentSizes, cron: nil, params: .object(["segments": .string("vips,nope")]), maxRetries: 0),
                             now: utc("2025-06-01 00:00"))
        let vips = try env.store.requestRun(of: "vips_only", now: utc("2025-06-01 00:01"))
        let typo = try env.store.requestRun(of: "typo", now: utc("2025-06-01 00:01"))
        _ = try await env.tick(at: utc("2025-06-01 00:02"))

        #expect(try env.store.run(id: vips.id)?.rows == 1)
        let failed = try #require(try env.store.run(id: typo.id))
        #expect(failed.status == .failed)
        #expect(failed.error == "params.segments: no segment named nope")
        #expect(try recordedSizes(env) == ["vips": [2]])  // the failed run measured nothing
    }
}
