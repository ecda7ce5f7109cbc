import Foundation
import Learning
import Logging
import PortraitCore
import PortraitModels
import PortraitProcessor
import Redis
import Testing

/// Stream = batch with a model: a recompute scores with the active version the stream used,
/// so the new generation is byte-identical to the streamed one, scores included.
extension ModelTests {
    @Test func aRecomputeScoresWithTheActiveVersionAndEqualsTheStream() throws {
        let env = try ModelTestEnvironment()
        try env.registry.register(name: "buyer", algorithm: .logisticRegression)
        let model = try LogisticRegressionModel(coefficients: [1], intercept: -2.5)
        try env.registry.addVersion(try ModelVersionDraft(model: model, label: try FeatureLabel(spec: "t.buyer"), metrics: ["auc": 0.7, "log_loss": 0.5],
                                                          features: ["m.purchases"]), to: "buyer", createdBy: "t")
        try env.registry.promote("buyer", version: 1, actor: "t")
        let harness = try ModelPipelineHarness(env: env, metrics: [Self.purchases], tags: [Self.likelyBuyer])
        try harness.refresh()
        let users = (0..<40).map { "r\($0)" }
        for (index, user) in users.enumerated() {
            try harness.produce(user, "view", at: Self.t0 + Int64(index) * 60_000)
            try harness.produce(user, "purchase", at: Self.t0 + Int64(index) * 60_000 + 1, count: index % 6)
        }
        _ = try env.waitForProfiles(users) { profiles in
            users.enumerated().allSatisfy { profiles[$1]?["m.purchases"] == String($0 % 6) && profiles[$1]?["model.buyer.version"] == "1" }
        }
        harness.shutDown()
        let redis = try env.redisConnection()
        let streamed = try Self.content(redis, users)

        // The recompute: the same computation, scorers from a fresh load of the registry.
        var options = harness.options
        options.shouldStop = { false }
        let models = ActiveModels()
        let catalog = DefinitionCatalog(validator: DefinitionValidator())
        catalog.update(metrics: [.init(Self.purchases, version: 1)], tags: [.init(Self.likelyBuyer, version: 1)])
        try ActiveModelsRefresher(registry: env.registry, models: models, catalog: catalog, logger: Logger(label: "test.models")).refresh()
        options.scorers = { Array(models.snapshot().values) }
        var live = try RedisConfiguration(url: ModelTestEnvironment.environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        live.database = 6
        let report = try ProfileRecompute(options: options, live: live, scratchDatabase: 10).run(catalog: catalog, logger: Logger(label: "test.recompute"))
        #expect(report.generation == 1 && report.profiles == users.count)

        let recomputed = try Self.content(redis, users)
        #expect(recomputed.profiles == streamed.profiles, "profile hashes, scores included, equal the stream's")
        #expect(recomputed.states == streamed.states, "engine states equal byte for byte")
        #expect(users.allSatisfy { recomputed.profiles[$0]?["model.buyer.version"] == "1" && recomputed.profiles[$0]?["model.buyer.score"] != nil })
        withExtendedLifetime(harness) {}
    }

    /// Every profile hash without its write time, and every engine state.
    static func content(_ redis: RedisConnection, _ users: [String]) throws -> (profiles: [String: [String: String]], states: [String: [UInt8]]) {
        var profiles = try ModelTestEnvironment.profiles(redis, users)
        for user in users { profiles[user]?["_updated"] = nil }
        var states: [String: [UInt8]] = [:]
        for user in users {
            if case .bulk(let bytes) = try redis.command("GET", ProfileKeys.state(user)) { states[user] = bytes }
        }
        return (profiles, states)
    }
}
