import Foundation
import Learning
import Testing

@Suite struct FTRLTests {
    @Test func onePassAUCIsWithinOneHundredthOfBatchLR() throws {
        var generator = SyntheticData.Classify(dense: 5, categories: 3, levels: 20, seed: 21)
        let train = try generator.table(rows: 8000), test = try generator.table(rows: 2000)
        let labels = try test.numeric("label")

        let lr = try Pipeline([
            OneHotEncoder().with(OneHotEncoder.inputColumns, generator.categoryNames).with(OneHotEncoder.handleUnknown, .ignore),
            VectorAssembler().with(VectorAssembler.inputColumns, ["dense", "categoryVector"]).with(VectorAssembler.outputColumn, "features"),
            LogisticRegression().with(LogisticRegression.regParam, 1.0 / 8000),
        ]).fit(train)
        let lrAUC = try BinaryClassificationMetrics(scores: lr.transform(test).numeric("probability"), labels: labels).areaUnderROC

        let ftrl = try Pipeline([
            FeatureHasher().with(FeatureHasher.inputColumns, ["dense"] + generator.categoryNames)
                .with(FeatureHasher.outputColumn, "features").with(FeatureHasher.numFeaturesLog2, 18),
            FTRL().with(FTRL.alpha, 0.3).with(FTRL.l1, 1).with(FTRL.l2, 1),
        ]).fit(train)
        let ftrlAUC = try BinaryClassificationMetrics(scores: ftrl.transform(test).numeric("probability"), labels: labels).areaUnderROC
        #expect(lrAUC > 0.8)
        #expect(abs(ftrlAUC - lrAUC) < 0.01, "FTRL AUC \(ftrlAUC) vs LR AUC \(lrAUC)")
    }

    @Test func miniBatchesAndSingleExamplesBothLearn() throws {
        var generator = SyntheticData.Classify(dense: 4, categories: 0, levels: 1, seed: 3)
        let train = try generator.table(rows: 3000), test = try generator.table(rows: 1000)
        let assembler = try VectorAssembler().with(VectorAssembler.inputColumns, ["dense"]).with(VectorAssembler.outputColumn, "features")
        let labels = try test.numeric("label")
        let reference = try Pipeline([assembler, LogisticRegression()]).fit(train)
        let referenceAUC = try BinaryClassificationMetrics(scores: reference.transform(test).numeric("probability"), labels: labels).areaUnderROC
        for batchSize in [1, 64] {
            let model = try Pipeline([assembler, FTRL().with(FTRL.batchSize, batchSize)]).fit(train)
            let auc = try BinaryClassificationMetrics(scores: model.transform(test).numeric("probability"), labels: labels).areaUnderROC
            #expect(abs(auc - referenceAUC) < 0.01, "batch size \(batchSize): \(auc) vs LR \(referenceAUC)")
        }
    }

    @Test func snapshotsPublishWhileTrainingContinues() throws {
        let predictor = ModelPredictor<LogisticRegressionModel>()
        let example = try SparseVector(dimension: 8, indices: [1, 5], values: [1, 1])
        #expect(throws: LearningError.noModelYet) { try predictor.probability(example) }
        #expect(!predictor.hasModel)

        var learner = try FTRL().with(FTRL.alpha, 0.5).makeLearner(dimension: 8)
        for _ in 0 ..< 50 { try learner.train(example, label: 1) }
        let first = learner.snapshot()
        predictor.publish(first)
        let before = try predictor.probability(example)
        #expect(before > 0.5)
        for _ in 0 ..< 200 { try learner.train(example, label: 0) }
        // Training continued but the published model is the snapshot, unchanged.
        #expect(try predictor.probability(example) == before)
        predictor.publish(learner.snapshot())
        #expect(try predictor.probability(example) < 0.5)
        #expect(learner.examplesSeen == 250)
    }

    /// A learner resumed from a checkpoint trains on to exactly the state of one never stopped.
    @Test func aResumedLearnerContinuesExactlyWhereTheCheckpointWas() throws {
        let configuration = try FTRL().with(FTRL.alpha, 0.3)
        var examples: [(SparseVector, Double)] = []
        var generator = SeededGenerator(seed: 5)
        for _ in 0 ..< 200 {
            let index = Int32(generator.nextUnit() * 6)
            examples.append((try SparseVector(dimension: 6, indices: [index], values: [1 + generator.nextUnit()]), index < 3 ? 1 : 0))
        }
        var uninterrupted = try configuration.makeLearner(dimension: 6)
        var first = try configuration.makeLearner(dimension: 6)
        for (features, label) in examples { try uninterrupted.train(features, label: label) }
        for (features, label) in examples.prefix(120) { try first.train(features, label: label) }

        var resumed = try configuration.makeLearner(dimension: 6)
        try resumed.resume(from: first.checkpoint)
        #expect(resumed.examplesSeen == 120)
        for (features, label) in examples.dropFirst(120) { try resumed.train(features, label: label) }
        #expect(resumed.checkpoint == uninterrupted.checkpoint)

        var other = try configuration.makeLearner(dimension: 4)
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 4, found: 6)) { try other.resume(from: first.checkpoint) }
        var corrupt = first.checkpoint
        corrupt.state[0] = .infinity
        #expect(throws: LearningError.self) { try other.resume(from: corrupt) }
        #expect(other.examplesSeen == 0)
    }

    @Test func predictorSwapsAtomicallyUnderConcurrentReads() async throws {
        let predictor = ModelPredictor<LogisticRegressionModel>()
        let example = try SparseVector(dimension: 4, indices: [0], values: [1])
        // Every published model has coefficient c and intercept −c, so a consistent model
        // always scores σ(0) = 0.5 for this example; a torn read would not.
        predictor.publish(try LogisticRegressionModel(coefficients: [0, 0, 0, 0], intercept: 0))
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for step in 1 ... 2000 {
                    let c = Double(step)
                    if let model = try? LogisticRegressionModel(coefficients: [c, 0, 0, 0], intercept: -c) { predictor.publish(model) }
                }
                return true
            }
            for _ in 0 ..< 2 {
                group.addTask {
                    for _ in 0 ..< 2000 where (try? predictor.probability(example)) != 0.5 { return false }
                    return true
                }
            }
            for await consistent in group { #expect(consistent) }
        }
    }

    @Test func rejectsBadInput() throws {
        var learner = try FTRL().makeLearner(dimension: 4)
        let example = try SparseVector(dimension: 4, indices: [0], values: [1])
        #expect(throws: LearningError.invalidLabel(row: 0, value: 3)) { try learner.train(example, label: 3) }
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 4, found: 5)) {
            try learner.train(SparseVector(dimension: 5, indices: [0], values: [1]), label: 1)
        }
        #expect(throws: LearningError.nonFiniteValue(column: "features", row: 0)) {
            try learner.train(SparseVector(dimension: 4, indices: [2], values: [.nan]), label: 1)
        }
        #expect(learner.examplesSeen == 0)
        #expect(throws: LearningError.invalidParameter(name: "alpha", value: "0", reason: "must be a finite number greater than 0.0")) {
            try FTRL().with(FTRL.alpha, 0)
        }
        let oneClass = try Table([("features", .numeric([1, 2])), ("label", .numeric([0, 0]))])
        #expect(throws: LearningError.singleClass(label: 0)) { try FTRL().fit(oneClass) }
    }
}
