import Foundation
import Learning
import PortraitCore
import PortraitModels
import Redis
import Synchronization
import Testing

/// Models in the pipeline, on a live processor (mock Kafka, Redis, the registry in MariaDB):
/// promotion, a refused worse version and rollback as every profile sees them, and a tag
/// reading `model.buyer.score`.
extension ModelTests {
    static let t0: Int64 = 1_767_225_600_000
    static let purchases = MetricDefinition(name: "purchases", filter: #"event.type == "purchase""#, aggregation: .count, field: nil,
                                            window: try! MetricWindow(parsing: "lifetime"), status: .active)
    static let likelyBuyer = TagDefinition(name: "likely_buyer", kind: .boolean, expression: "model.buyer.score >= 0.5", status: .active)

    @Test func profilesCarryExactlyOneVersionThroughPromotionRefusalAndRollbackAndATagFollowsTheScore() throws {
        let env = try ModelTestEnvironment()
        try env.registry.register(name: "buyer", algorithm: .logisticRegression)
        let label = try FeatureLabel(spec: "t.buyer")
        // σ(n − 2.5): a user with 2 purchases scores 0.38; v2 σ(2n − 3) gives them 0.73; v3 is worse than v2.
        for (coefficient, intercept, auc, logLoss) in [(1.0, -2.5, 0.70, 0.50), (2.0, -3.0, 0.80, 0.40), (0.1, 0.0, 0.75, 0.45)] {
            let model = try LogisticRegressionModel(coefficients: [coefficient], intercept: intercept)
            try env.registry.addVersion(try ModelVersionDraft(model: model, label: label, metrics: ["auc": auc, "log_loss": logLoss], features: ["m.purchases"]),
                                        to: "buyer", createdBy: "t")
        }
        try env.registry.promote("buyer", version: 1, actor: "t")
        let scorers = Dictionary(uniqueKeysWithValues: try (1...3).map { ($0, try ModelScorer(version: try env.registry.version("buyer", $0))) })

        let harness = try ModelPipelineHarness(env: env, metrics: [Self.purchases], tags: [Self.likelyBuyer])
        defer { harness.shutDown() }
        #expect(try harness.refresh().published == ["buyer": 1], "v1 loaded in full before the first batch")
        #expect(harness.catalog.current.definitions.problems.isEmpty)

        let users = (0..<30).map { "u\($0)" }
        for (index, user) in users.enumerated() {
            let bought = index % 5
            if bought == 0 { try harness.produce(user, "view", at: Self.t0 + Int64(index)) }
            try harness.produce(user, "purchase", at: Self.t0 + Int64(index), count: bought)
        }
        let expectedPurchases = Dictionary(uniqueKeysWithValues: users.enumerated().map { ($1, String($0 % 5)) })
        let v1Profiles = try env.waitForProfiles(users) { profiles in
            users.allSatisfy { profiles[$0]?["m.purchases"] == expectedPurchases[$0] && profiles[$0]?["model.buyer.version"] == "1" }
        }
        #expect(harness.failure == nil, "\(harness.failure ?? "")")
        #expect(Self.violations(v1Profiles, scorers: scorers, expectedVersion: 1).isEmpty, "\(Self.violations(v1Profiles, scorers: scorers, expectedVersion: 1))")
        #expect(v1Profiles["u2"]?["t.likely_buyer"] == "false" && v1Profiles["u3"]?["t.likely_buyer"] == "true")

        // A reader checks every profile it sees while versions switch: the version it names must
        // be the one whose score the profile holds.
        let reader = ScoreReader(redis: try env.redisConnection(), users: users, scorers: scorers)
        reader.start()

        // v2 beats v1 by the margin: promoted, loaded in full, published; every owned user re-scored
        // while events keep arriving.
        try env.registry.promote("buyer", version: 2, actor: "t")
        #expect(try harness.refresh().published == ["buyer": 2])
        for (index, user) in users.enumerated() { try harness.produce(user, "view", at: Self.t0 + 60_000 + Int64(index)) }
        let v2Profiles = try env.waitForProfiles(users) { profiles in users.allSatisfy { profiles[$0]?["model.buyer.version"] == "2" } }
        #expect(Self.violations(v2Profiles, scorers: scorers, expectedVersion: 2).isEmpty, "\(Self.violations(v2Profiles, scorers: scorers, expectedVersion: 2))")
        #expect(v2Profiles["u2"]?["t.likely_buyer"] == "true", "the tag flips when v2's score crosses 0.5")

        // v3 is worse than v2: refused, and a poll changes nothing.
        #expect(throws: ModelRegistryError.self) { try env.registry.promote("buyer", version: 3, actor: "t") }
        #expect(try harness.refresh().published.isEmpty)
        #expect(try env.registry.head("buyer").activeVersion == 2)

        // Rollback: back to v1's scores, the same text as before the promotion.
        try env.registry.rollback("buyer", actor: "t")
        #expect(try harness.refresh().published == ["buyer": 1])
        let rolledBack = try env.waitForProfiles(users) { profiles in users.allSatisfy { profiles[$0]?["model.buyer.version"] == "1" } }
        for user in users {
            #expect(rolledBack[user]?["model.buyer.score"] == v1Profiles[user]?["model.buyer.score"], "\(user) has v1's score again")
            #expect(rolledBack[user]?["t.likely_buyer"] == v1Profiles[user]?["t.likely_buyer"], "\(user)'s tag is v1's again")
        }

        // A feature change crosses the threshold under v1: a third purchase takes u2 from 0.38 to 0.62.
        try harness.produce("u2", "purchase", at: Self.t0 + 120_000)
        let crossed = try env.waitForProfiles(["u2"]) { $0["u2"]?["m.purchases"] == "3" }
        #expect(crossed["u2"]?["t.likely_buyer"] == "true")
        #expect(crossed["u2"]?["model.buyer.score"] == scorers[1]?.profileValue(fields: ["m.purchases": "3"]).storedText)

        reader.stop()
        let seen = reader.result
        #expect(seen.violations.isEmpty, "never half-loaded: \(seen.violations.prefix(5))")
        #expect(seen.versions.isSuperset(of: [1, 2]), "the reader saw both versions: \(seen.versions), \(seen.reads) reads")
        #expect(harness.failure == nil, "\(harness.failure ?? "")")
    }

    @Test func aTagReadingAnUnknownModelIsADefinitionErrorWithItsPosition() throws {
        let validator = DefinitionValidator(models: ["buyer"])
        let ghost = TagDefinition(name: "ghost", kind: .boolean, expression: "metric.purchases > 1 and model.nobody.score > 0.5", status: .active)
        let error = #expect(throws: DefinitionError.self) { try validator.validate(ghost, metrics: [Self.purchases], tags: []) }
        #expect(error?.field == "expression")
        #expect(error?.location?.column == 26, "points at model.nobody.score: \(String(describing: error))")
        #expect(error?.message.contains("unknown model.nobody.score; known: buyer") == true, "\(String(describing: error))")
        try validator.validate(Self.likelyBuyer, metrics: [Self.purchases], tags: [])

        // A processor leaves such a tag out and says why; the tag reading a known model compiles.
        let set = DefinitionSet(metrics: [.init(Self.purchases, version: 1)], tags: [.init(ghost, version: 1), .init(Self.likelyBuyer, version: 1)], validator: validator)
        #expect(set.tags.map(\.name) == ["likely_buyer"])
        #expect(set.modelReadingTags == ["likely_buyer"])
        #expect(set.problems.count == 1 && set.problems[0].contains("tag ghost: type error at line 1, column 26: unknown model.nobody.score"), "\(set.problems)")
    }

    /// Profiles whose score is not what their version computes from their own fields, or whose
    /// version is not `expectedVersion`.
    static func violations(_ profiles: [String: [String: String]], scorers: [Int: ModelScorer], expectedVersion: Int?) -> [String] {
        var found: [String] = []
        for (user, fields) in profiles.sorted(by: { $0.key < $1.key }) {
            guard let version = fields["model.buyer.version"].flatMap(Int.init), let scorer = scorers[version] else {
                found.append("\(user): no known version in \(fields)")
                continue
            }
            if let expectedVersion, version != expectedVersion { found.append("\(user): v\(version), expected v\(expectedVersion)") }
            let expected = scorer.profileValue(fields: fields).storedText
            if fields["model.buyer.score"] != expected { found.append("\(user): v\(version) score \(fields["model.buyer.score"] ?? "nil"), that version computes \(expected ?? "nil")") }
            let tag = (Double(expected ?? "") ?? 0) >= 0.5 ? "true" : "false"
            if fields["t.likely_buyer"] != tag { found.append("\(user): tag \(fields["t.likely_buyer"] ?? "nil") with score \(expected ?? "nil")") }
        }
        return found
    }
}

/// Reads every profile over and over on a thread of its own, recording each one whose score is
/// not the one its named version computes (a half-applied switch would show here).
final class ScoreReader: Sendable {
    private let redis: RedisConnection
    private let users: [String]
    private let scorers: [Int: ModelScorer]
    private let stopped = Atomic<Bool>(false)
    private let state = Mutex<(done: Bool, reads: Int, versions: Set<Int>, violations: [String])>((false, 0, [], []))

    init(redis: RedisConnection, users: [String], scorers: [Int: ModelScorer]) {
        self.redis = redis
        self.users = users
        self.scorers = scorers
    }

    func start() {
        Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                do {
                    let profiles = try ModelTestEnvironment.profiles(redis, users)
                    let violations = ModelTests.violations(profiles, scorers: scorers, expectedVersion: nil)
                    let versions = Set(profiles.values.compactMap { $0["model.buyer.version"].flatMap(Int.init) })
                    state.withLock { $0.reads += 1; $0.versions.formUnion(versions); $0.violations += violations }
                } catch {
                    state.withLock { $0.violations.append("read failed: \(error)") }
                }
            }
            state.withLock { $0.done = true }
        }.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        while !state.withLock({ $0.done }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    var result: (reads: Int, versions: Set<Int>, violations: [String]) {
        state.withLock { ($0.reads, $0.versions, $0.violations) }
    }
}
