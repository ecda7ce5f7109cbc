import Foundation
import Learning
import PortraitModels
import Testing

extension ModelTests {
    @Test func aBatchScoresWithExactlyTheVersionItLoadedWhileAPromotionIsPublished() throws {
        let env = try ModelTestEnvironment()
        try env.registry.register(name: "propensity", algorithm: .logisticRegression, promotionMargin: 0.01)
        let label = try FeatureLabel(spec: "t.buyer")
        let v1 = try LogisticRegressionModel(coefficients: [1, 0], intercept: 0)
        let v2 = try LogisticRegressionModel(coefficients: [0, 2], intercept: -1)
        try env.registry.addVersion(try ModelVersionDraft(model: v1, label: label, metrics: ["auc": 0.70, "log_loss": 0.50], features: ["m.x", "m.y"]), to: "propensity", createdBy: "t")
        try env.registry.addVersion(try ModelVersionDraft(model: v2, label: label, metrics: ["auc": 0.80, "log_loss": 0.40], features: ["m.x", "m.y"]), to: "propensity", createdBy: "t")
        try env.registry.promote("propensity", version: 1, actor: "t")

        let models = ActiveModels()
        models.publish(try #require(try env.registry.activeScorer("propensity")))
        let batch = models.snapshot()

        // Better by the margin: promoted without force, loaded in full, then published.
        let promotion = try env.registry.promote("propensity", version: 2, actor: "t")
        #expect(promotion.reason?.hasPrefix("better: AUC 0.8 vs 0.7") == true)
        models.publish(try #require(try env.registry.activeScorer("propensity")))

        let profile = ["m.x": "2", "m.y": "1", "a.city": "Paris"]
        let old = try #require(batch["propensity"]).profileFields(for: profile)
        let new = try #require(models.snapshot()["propensity"]).profileFields(for: profile)
        #expect(old["model.propensity.version"] == "1")
        #expect(new["model.propensity.version"] == "2")
        let oldScore = try #require(old["model.propensity.score"].flatMap(Double.init))
        let newScore = try #require(new["model.propensity.score"].flatMap(Double.init))
        #expect(abs(oldScore - 1 / (1 + exp(-2.0))) < 1e-12)  // σ(1·2 + 0·1 + 0)
        #expect(abs(newScore - 1 / (1 + exp(-1.0))) < 1e-12)  // σ(0·2 + 2·1 − 1)
        #expect(Set(old.keys) == ["model.propensity.score", "model.propensity.version"])
    }

    @Test func aVersionWithCorruptParamsIsNeitherLoadedNorPromoted() throws {
        let env = try ModelTestEnvironment()
        try env.registry.register(name: "propensity", algorithm: .logisticRegression)
        let good = try LogisticRegressionModel(coefficients: [1, -1], intercept: 0)
        let goodDraft = try ModelVersionDraft(model: good, metrics: ["auc": 0.7, "log_loss": 0.5], features: ["m.x", "m.y"])
        try env.registry.addVersion(goodDraft, to: "propensity", createdBy: "t")
        try env.registry.promote("propensity", version: 1, actor: "t")

        var notAModel = goodDraft
        notAModel.params = #"{"stage": 5}"#
        var tooFewWeights = goodDraft
        tooFewWeights.params = goodDraft.params.replacingOccurrences(of: #""coefficientIndices":{"i32":[0,1]}"#, with: #""coefficientIndices":{"i32":[0]}"#)
        #expect(tooFewWeights.params != goodDraft.params)
        var wrongFeatures = goodDraft
        wrongFeatures.features = ["m.x", "m.y", "m.z"]
        var kmeansInside = goodDraft
        kmeansInside.params = try ModelVersionDraft(
            model: try KMeansModel(centres: try DenseVectorColumn(rows: [[0, 0], [1, 1]])), metrics: [:], features: ["m.x", "m.y"]).params
        var unknownParameter = goodDraft
        unknownParameter.params = goodDraft.params.replacingOccurrences(of: #""params":{"#, with: #""params":{"typo":1,"#)
        #expect(unknownParameter.params != goodDraft.params)

        for (index, draft) in [notAModel, tooFewWeights, wrongFeatures, kmeansInside, unknownParameter].enumerated() {
            let stored = try env.registry.addVersion(draft, to: "propensity", createdBy: "t")
            #expect(stored.version == index + 2)
            #expect(throws: ModelLoadError.self) { try ModelScorer(version: stored) }
            do {
                try env.registry.promote("propensity", version: stored.version, actor: "t", force: true)
                Issue.record("v\(stored.version) should not be promoted")
            } catch let error as ModelRegistryError {
                guard case .unloadable = error else { Issue.record("expected unloadable, got \(error)"); continue }
            }
            #expect(try env.registry.head("propensity").activeVersion == 1)
            #expect(try env.registry.version("propensity", stored.version).status == .candidate)
        }
        #expect(try env.registry.promotions(of: "propensity").count == 1)
        #expect(try env.registry.activeScorer("propensity")?.version == 1)
    }

    @Test func theFeatureTableReadsEveryRegisteredProfileWithMissingAsZero() throws {
        let env = try ModelTestEnvironment()
        try env.writeProfile("b", partition: 1, updated: 2_000, ["m.orders": "4", "t.vip": "true", "a.age": "31"])
        try env.writeProfile("a", partition: 0, updated: 1_000, ["m.orders": "1", "a.age": "Paris"])  // text → 0
        try env.writeProfile("c", partition: 7, updated: 3_000, ["t.vip": "false", "m.orders": "nan"])  // NaN → 0
        try env.redis.command("SADD", "u:0", "gone")  // registered but its profile was deleted: left out

        let table = try ProfileFeatureTable.read(
            from: env.redis, features: ["m.orders", "a.age", "t.vip"], label: try FeatureLabel(spec: "m.orders>=2"), batchSize: 2)
        #expect(table.userIds == ["a", "b", "c"])
        #expect(Array(table.row(0)) == [1, 0, 0])
        #expect(Array(table.row(1)) == [4, 31, 1])
        #expect(Array(table.row(2)) == [0, 0, 0])
        #expect(table.labels == [0, 1, 0])
        #expect(table.updatedFromMs == 1_000 && table.updatedToMs == 3_000)

        let tagLabel = try FeatureLabel(spec: "t.vip")
        #expect(tagLabel.label("true") == 1 && tagLabel.label("false") == 0 && tagLabel.label(nil) == 0)
        #expect(throws: FeatureLabelError.self) { try FeatureLabel(spec: "m.orders") }
        #expect(throws: FeatureLabelError.self) { try FeatureLabel(spec: "orders>=x") }
    }
}
