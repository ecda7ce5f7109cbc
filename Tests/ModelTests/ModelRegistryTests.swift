import Foundation
import Learning
import PortraitModels
import Testing

/// One suite, serialized: every test empties the same scratch database and Redis database.
@Suite(.serialized)
struct ModelTests {
    @Test func retrainingRegistersAVersionWithItsMetricsAndPromotesTheFirst() throws {
        let env = try ModelTestEnvironment()
        try env.writeShoppers(count: 400)
        let outcome = try Retrainer(registry: env.registry, redis: env.redis).run(Self.propensityRequest)

        #expect(outcome.version == 1)
        #expect(outcome.rows == 400)
        #expect(outcome.trainRows + outcome.testRows == 400)
        #expect(outcome.testRows > 40 && outcome.testRows < 120)  // about 20 % by hash of the user id
        #expect(outcome.promoted)
        #expect(outcome.reason == "no active version")
        let auc = try #require(outcome.metrics["auc"])
        #expect(auc > 0.75)
        #expect(outcome.metrics["log_loss"] != nil)

        let stored = try env.registry.version("propensity", 1)
        #expect(stored.status == .active)
        #expect(stored.metrics == outcome.metrics)
        #expect(stored.features == ["m.spend", "m.visits"])
        #expect(stored.trainingRows == outcome.trainRows)
        #expect(stored.trainingFrom?.hasPrefix("2023-11-14 22:13:20") == true)  // the oldest _updated, 1_700_000_000_000 ms
        #expect(stored.trainingTo?.hasPrefix("2023-11-14 22:13:20.399") == true)
        #expect(stored.createdBy == "tests")
        let head = try env.registry.head("propensity")
        #expect(head.activeVersion == 1 && head.latestVersion == 1 && head.promotionMargin == 0.02)
        let promotions = try env.registry.promotions(of: "propensity")
        #expect(promotions.map(\.action) == [.promote])
        #expect(promotions.first?.fromVersion == nil && promotions.first?.toVersion == 1 && promotions.first?.actor == "tests")
        // The registered version loads and scores with what it was trained on.
        let scorer = try #require(try env.registry.activeScorer("propensity"))
        #expect(scorer.version == 1)
        guard case .probability(let high) = try scorer.score(["m.spend": "10", "m.visits": "8"]),
              case .probability(let low) = try scorer.score(["m.spend": "0", "m.visits": "0"]) else {
            Issue.record("logistic regression should give probabilities"); return
        }
        #expect(high > 0.9 && low < 0.1)
    }

    @Test func aWorseVersionIsRegisteredButNotPromotedUntilForcedAndRollbackRestoresThePrevious() throws {
        let env = try ModelTestEnvironment()
        let retrainer = Retrainer(registry: env.registry, redis: env.redis)
        try env.writeShoppers(count: 400)
        #expect(try retrainer.run(Self.propensityRequest).promoted)

        // Same users and features, labels shuffled between users: no signal left.
        _ = try env.redis.command("FLUSHDB")
        try env.writeShoppers(count: 400, shuffledLabels: true)
        let worse = try retrainer.run(Self.propensityRequest)
        #expect(worse.version == 2)
        #expect(!worse.promoted)
        #expect(worse.activeVersion == 1 && worse.previousActiveVersion == 1)
        #expect(worse.reason.hasPrefix("AUC not at least the margin higher"))
        #expect(try #require(worse.metrics["auc"]) < 0.65)
        #expect(try env.registry.version("propensity", 2).status == .candidate)
        #expect(try env.registry.head("propensity").activeVersion == 1)
        #expect(try env.registry.promotions(of: "propensity").count == 1)

        // A manual promotion follows the same rule…
        #expect(throws: ModelRegistryError.self) { try env.registry.promote("propensity", version: 2, actor: "ops") }
        #expect(try env.registry.head("propensity").activeVersion == 1)
        // …unless forced, which is recorded.
        let forced = try env.registry.promote("propensity", version: 2, actor: "ops", force: true)
        #expect(forced.fromVersion == 1 && forced.toVersion == 2 && forced.actor == "ops")
        #expect(forced.reason?.hasPrefix("forced: AUC not at least") == true)
        #expect(try env.registry.active("propensity")?.version == 2)
        #expect(try env.registry.version("propensity", 1).status == .retired)

        let rollback = try env.registry.rollback("propensity", actor: "ops")
        #expect(rollback.action == .rollback && rollback.fromVersion == 2 && rollback.toVersion == 1)
        let active = try #require(try env.registry.active("propensity"))
        #expect(active.version == 1 && active.status == .active && active.retiredAt == nil)
        #expect(try env.registry.version("propensity", 2).status == .retired)
        #expect(try env.registry.activeScorer("propensity")?.version == 1)
        let history = try env.registry.promotions(of: "propensity")
        #expect(history.map(\.action) == [.promote, .promote, .rollback])
        #expect(history.map(\.toVersion) == [1, 2, 1])
        // v1 was the first active version: nothing before it.
        #expect(throws: ModelRegistryError.nothingToRollBack(name: "propensity")) { try env.registry.rollback("propensity", actor: "ops") }
        #expect(try env.registry.head("propensity").activeVersion == 1)
    }

    @Test func kmeansRetrainingRegistersSSEPerRowAndScoresClusters() throws {
        let env = try ModelTestEnvironment()
        try env.writeClusters(count: 150)
        let request = RetrainingRequest(name: "groups", algorithm: .kmeans, features: ["m.a", "m.b"], k: 3, seed: 5, actor: "tests")
        let outcome = try Retrainer(registry: env.registry, redis: env.redis).run(request)
        #expect(outcome.promoted && outcome.version == 1)
        #expect(outcome.metrics["k"] == 3)
        // Unit Gaussians in 2-D around well-separated centres: about 2 per row.
        let ssePerRow = try #require(outcome.metrics["sse_per_row"])
        #expect(ssePerRow > 0.5 && ssePerRow < 5)

        let scorer = try #require(try env.registry.activeScorer("groups"))
        #expect(scorer.outputField == "model.groups.cluster")
        let east1 = try scorer.score(["m.a": "49", "m.b": "1"]), east2 = try scorer.score(["m.a": "51", "m.b": "-1"])
        let north = try scorer.score(["m.a": "0", "m.b": "50"]), origin = try scorer.score([:])  // missing → 0
        #expect(east1 == east2)
        #expect(Set([east1, north, origin]).count == 3)

        // A second run on the same profiles gives the same model: not better, not promoted.
        let again = try Retrainer(registry: env.registry, redis: env.redis).run(request)
        #expect(again.version == 2 && !again.promoted)
        #expect(again.metrics["sse_per_row"] == ssePerRow)
        #expect(again.reason.hasPrefix("SSE per row not at least the margin lower"))
        // Another k is not comparable at all.
        var other = request
        other.k = 2
        let differentK = try Retrainer(registry: env.registry, redis: env.redis).run(other)
        #expect(!differentK.promoted && differentK.reason.contains("k differs"))
        #expect(try env.registry.head("groups").activeVersion == 1)
    }

    @Test func unknownNamesVersionsAndMismatchesAreClearErrors() throws {
        let env = try ModelTestEnvironment()
        #expect(throws: ModelRegistryError.modelNotFound(name: "nope")) { try env.registry.promote("nope", version: 1, actor: "t") }
        #expect(throws: ModelRegistryError.modelNotFound(name: "nope")) { try env.registry.rollback("nope", actor: "t") }
        #expect(throws: ModelRegistryError.modelNotFound(name: "nope")) { try env.registry.active("nope") }
        try env.registry.register(name: "scores", algorithm: .logisticRegression)
        #expect(try env.registry.active("scores") == nil)
        #expect(throws: ModelRegistryError.versionNotFound(name: "scores", version: 9)) { try env.registry.version("scores", 9) }
        #expect(throws: ModelRegistryError.versionNotFound(name: "scores", version: 9)) { try env.registry.promote("scores", version: 9, actor: "t") }
        #expect(throws: ModelRegistryError.nothingToRollBack(name: "scores")) { try env.registry.rollback("scores", actor: "t") }
        #expect(throws: ModelRegistryError.alreadyExists(name: "scores")) { try env.registry.register(name: "scores", algorithm: .kmeans) }
        #expect(throws: ModelRegistryError.algorithmMismatch(name: "scores", registered: .logisticRegression, requested: .kmeans)) {
            try env.registry.ensure(name: "scores", algorithm: .kmeans, promotionMargin: nil)
        }
        #expect(throws: ModelRegistryError.invalidName("has.dot")) { try env.registry.register(name: "has.dot", algorithm: .kmeans) }
        #expect(throws: RetrainingError.self) {
            try Retrainer(registry: env.registry, redis: env.redis).run(RetrainingRequest(name: "scores", algorithm: .logisticRegression, features: ["m.x"]))
        }
    }

    static let propensityRequest = RetrainingRequest(
        name: "propensity", algorithm: .logisticRegression, features: ["m.spend", "m.visits"],
        label: try! FeatureLabel(spec: "t.buyer"), promotionMargin: 0.02, actor: "tests")
}
