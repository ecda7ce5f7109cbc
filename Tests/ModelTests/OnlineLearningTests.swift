import Foundation
import Learning
import PortraitCore
import PortraitModels
import PortraitProcessor
import Testing

/// FTRL online learning on a live processor: examples open at a visit, close seven days of
/// event time later with "purchased meanwhile" as the label, and snapshots become versions.
extension ModelTests {
    static let day: Int64 = 86_400_000

    static func count(_ name: String, _ type: String, _ window: String) -> MetricDefinition {
        MetricDefinition(name: name, filter: #"event.type == "\#(type)""#, aggregation: .count, field: nil,
                         window: try! MetricWindow(parsing: window), status: .active)
    }

    static func intentConfiguration(publication: OnlineLearningConfiguration.Publication) throws -> OnlineLearningConfiguration {
        var configuration = OnlineLearningConfiguration(
            name: "intent", features: ["m.carts_30d", "m.likes_total"], label: try OnlineLabel(spec: "increase(m.purchases_total)"))
        configuration.anchor = "m.visits_1d"
        configuration.delayMs = 7 * day
        configuration.alpha = 0.5
        configuration.publication = publication
        return configuration
    }

    @Test func anOnlineModelLearnsFromWrittenProfilesAndPublishesVersions() throws {
        let env = try ModelTestEnvironment()
        let learner = try OnlineLearner(configuration: try Self.intentConfiguration(publication: .candidate))
        let harness = try ModelPipelineHarness(
            env: env, metrics: [Self.count("carts_30d", "cart", "30d"), Self.count("likes_total", "like", "lifetime"),
                                Self.count("visits_1d", "view", "1d"), Self.count("purchases_total", "purchase", "lifetime")],
            tags: [], observe: { learner.observe($0) })  // what `portrait process --online-model` wires
        defer { harness.shutDown() }
        try harness.refresh()

        // Day 0: carts (they drive buying) and likes (noise); day 10: a visit; day 12: a purchase
        // with probability σ(1.2·carts − 3); day 40: another user moves event time on.
        var generator = SeededGenerator(seed: 11)
        let users = (0..<600).map { "v\($0)" }
        var plan: [(carts: Int, likes: Int, buys: Bool)] = []
        for _ in users {
            let carts = Int(generator.nextUnit() * 6), likes = Int(generator.nextUnit() * 6)
            plan.append((carts, likes, generator.nextUnit() < 1 / (1 + exp(-(1.2 * Double(carts) - 3)))))
        }
        for (user, row) in zip(users, plan) {
            try harness.produce(user, "cart", at: Self.t0, count: row.carts)
            try harness.produce(user, "like", at: Self.t0, count: row.likes)
        }
        for user in users { try harness.produce(user, "view", at: Self.t0 + 10 * Self.day) }
        for (user, row) in zip(users, plan) where row.buys { try harness.produce(user, "purchase", at: Self.t0 + 12 * Self.day) }
        // Day 40 in every partition (20 users: both partitions get some).
        let clocks = (0..<20).map { "clock\($0)" }
        for clock in clocks { try harness.produce(clock, "view", at: Self.t0 + 40 * Self.day) }

        let expected = Dictionary(uniqueKeysWithValues: zip(users, plan.map { $0.buys ? "1" : "0" }))
        _ = try env.waitForProfiles(users + clocks) { profiles in
            clocks.allSatisfy { profiles[$0]?["m.visits_1d"] == "1" } && users.allSatisfy { profiles[$0]?["m.purchases_total"] == expected[$0] }
        }
        let deadline = Date().addingTimeInterval(90)
        while learner.examplesSeen + learner.openExamples < users.count + clocks.count, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(learner.examplesSeen + learner.openExamples == users.count + clocks.count, "one example per visit (the clock users' still open)")

        // The snapshot: every visit's example closed (by a later timer or, for quiet users, by
        // their partition's watermark), trained on, registered as a candidate with progressive metrics.
        let version = try #require(try learner.publish(to: env.registry, actor: "online-ftrl"))
        #expect(learner.examplesSeen == users.count)
        #expect(version.version == 1 && version.status == .candidate && version.features == ["m.carts_30d", "m.likes_total"])
        #expect(version.metrics["examples"] == Double(users.count))
        #expect(version.metrics["positive_rate"] == Double(plan.filter(\.buys).count) / Double(users.count))
        #expect((version.metrics["auc"] ?? 0) > 0.7, "progressive AUC: \(version.metrics)")
        #expect(try env.registry.head("intent").activeVersion == nil)
        #expect(try learner.publish(to: env.registry, actor: "online-ftrl") == nil, "nothing new since the last snapshot")

        // A restarted processor's learner continues from the snapshot's state, not from zero.
        let restarted = try OnlineLearner(configuration: try Self.intentConfiguration(publication: .candidate))
        #expect(restarted.checkpoint != learner.checkpoint)
        #expect(try restarted.resume(from: env.registry) == 1)
        #expect(restarted.examplesSeen == users.count)
        #expect(restarted.checkpoint == learner.checkpoint)

        // The weights point the right way: more carts, more likely to buy; likes (noise) matter
        // less. Not zero: after 600 online examples the intercept is still being learned and the
        // always-positive likes soak up part of it.
        let scorer = try ModelScorer(version: version)
        func probability(carts: Double, likes: Double) throws -> Double {
            guard case .probability(let p) = try scorer.score(vector: [carts, likes]) else { return .nan }
            return p
        }
        let cartsEffect = try probability(carts: 5, likes: 2) - probability(carts: 0, likes: 2)
        let likesEffect = try probability(carts: 2, likes: 5) - probability(carts: 2, likes: 0)
        print("online model: carts effect \(cartsEffect), likes effect \(likesEffect), metrics \(version.metrics)")
        #expect(cartsEffect > 0.3, "carts raise the score: \(cartsEffect)")
        #expect(abs(likesEffect) < cartsEffect / 2, "likes carry less: \(likesEffect) vs \(cartsEffect)")

        // Promoted, the snapshot scores every profile in the pipeline.
        try env.registry.promote("intent", version: 1, actor: "t")
        #expect(try harness.refresh().published == ["intent": 1])
        let scored = try env.waitForProfiles(users) { profiles in users.allSatisfy { profiles[$0]?["model.intent.version"] == "1" } }
        #expect(scored["v0"]?["model.intent.score"] == scorer.profileValue(fields: scored["v0"] ?? [:]).storedText)
        #expect(harness.failure == nil, "\(harness.failure ?? "")")
    }

    @Test func anActivePublicationPromotesEachSnapshot() throws {
        let env = try ModelTestEnvironment()
        let learner = try OnlineLearner(configuration: try Self.intentConfiguration(publication: .active))
        func profile(_ user: String, at time: Int64, carts: Int, visits: Int, purchases: Int) -> WrittenProfiles {
            var state = ProfileState(userId: user)
            state.clockMs = time
            state.metricValues = ["carts_30d": .number(Double(carts)), "visits_1d": .number(Double(visits)), "purchases_total": .number(Double(purchases))]
            return WrittenProfiles(profiles: [(state, 0)], watermarks: [:])
        }
        for round in 0..<2 {
            let start = Self.t0 + Int64(round) * 30 * Self.day
            for index in 0..<40 {
                let carts = index % 6, buys = carts >= 3 ? 1 : 0  // every user buys at most once per round
                learner.observe(profile("w\(index)", at: start, carts: carts, visits: 1, purchases: round))  // opens
                learner.observe(profile("w\(index)", at: start + 3 * Self.day, carts: carts, visits: 0, purchases: round + buys))
                learner.observe(profile("w\(index)", at: start + 8 * Self.day, carts: carts, visits: 0, purchases: round + buys))  // closes
            }
            let version = try #require(try learner.publish(to: env.registry, actor: "online-ftrl"))
            #expect(version.version == round + 1 && version.status == .active)
            #expect(try env.registry.head("intent").activeVersion == round + 1)
        }
        let promotions = try env.registry.promotions(of: "intent")
        #expect(promotions.map(\.toVersion) == [1, 2] && promotions.allSatisfy { $0.actor == "online-ftrl" })
    }
}
