import Learning
import Testing

@Suite struct StreamingKMeansTests {
    func worstCentreError(_ model: KMeansModel, _ truth: [[Double]]) -> Double {
        CentreDistance.worst(model, truth)
    }

    @Test func convergesToBatchCentresOnAStationaryStream() throws {
        let truth: [[Double]] = [[0, 0], [8, 8], [-8, 6]]
        let table = try SyntheticData.blobs(centres: truth, perCentre: 400, spread: 0.6, seed: 11)
        let batch = try KMeans().with(KMeans.k, 3).fit(table)
        let streaming = try StreamingKMeans().with(StreamingKMeans.k, 3).with(StreamingKMeans.batchSize, 50)
        var learner = streaming.makeLearner()
        for start in stride(from: 0, to: table.rowCount, by: 50) {
            try learner.update(table.slice(start ..< min(start + 50, table.rowCount)))
        }
        let model = try learner.snapshot()
        let batchCentres = (0 ..< 3).map { Array(batch.centres[$0]) }
        // With decay 1 each centre is the running mean of its points: the batch answer.
        #expect(worstCentreError(model, batchCentres) < 0.05)
        #expect(learner.batchesSeen == 24)
        // Fitting the same stream through the Estimator interface gives the same result.
        #expect(try streaming.fit(table).centres == model.centres)
    }

    @Test func followsADriftingStream() throws {
        let before: [[Double]] = [[0, 0], [10, 0]]
        let after: [[Double]] = [[3, 3], [13, 3]]
        let streaming = try StreamingKMeans().with(StreamingKMeans.k, 2).with(StreamingKMeans.halfLife, 2)
        var learner = streaming.makeLearner()
        for seed in 0 ..< 10 { try learner.update(SyntheticData.blobs(centres: before, perCentre: 50, spread: 0.3, seed: UInt64(seed))) }
        #expect(worstCentreError(try learner.snapshot(), before) < 0.2)
        let early = try learner.snapshot()
        for seed in 10 ..< 40 { try learner.update(SyntheticData.blobs(centres: after, perCentre: 50, spread: 0.3, seed: UInt64(seed))) }
        // Old batches' weight halves every 2 batches, so after 30 batches the centres sit on the new data.
        #expect(worstCentreError(try learner.snapshot(), after) < 0.2)
        // The snapshot taken earlier is unaffected by later training.
        #expect(worstCentreError(early, before) < 0.2)

        // Without forgetting, the centres stay between the old and new positions.
        var remembering = try StreamingKMeans().with(StreamingKMeans.k, 2).makeLearner()
        for seed in 0 ..< 10 { try remembering.update(SyntheticData.blobs(centres: before, perCentre: 50, spread: 0.3, seed: UInt64(seed))) }
        for seed in 10 ..< 20 { try remembering.update(SyntheticData.blobs(centres: after, perCentre: 50, spread: 0.3, seed: UInt64(seed))) }
        #expect(worstCentreError(try remembering.snapshot(), after) > 1)
    }

    @Test func startsFromABatchModelOrRandomCentres() throws {
        let truth: [[Double]] = [[0, 0], [6, 6]]
        let table = try SyntheticData.blobs(centres: truth, perCentre: 200, spread: 0.4, seed: 2)
        let batch = try KMeans().with(KMeans.k, 2).fit(table)
        var fromModel = try StreamingKMeans().with(StreamingKMeans.k, 2).makeLearner(from: batch)
        try fromModel.update(table.slice(0 ..< 100))
        #expect(worstCentreError(try fromModel.snapshot(), truth) < 0.15)

        var fromRandom = try StreamingKMeans().with(StreamingKMeans.k, 2).with(StreamingKMeans.decayFactor, 0.5)
            .makeLearner(randomCentresOfDimension: 2)
        for start in stride(from: 0, to: 400, by: 40) { try fromRandom.update(table.slice(start ..< start + 40)) }
        #expect(worstCentreError(try fromRandom.snapshot(), truth) < 0.3)
    }

    @Test func rejectsBadInput() throws {
        let learner = try StreamingKMeans().with(StreamingKMeans.k, 2).makeLearner()
        #expect(throws: LearningError.noModelYet) { try learner.snapshot() }
        var copy = learner
        #expect(throws: LearningError.tooFewRows(operation: "StreamingKMeans's first batch with k = 2", needed: 2, found: 1)) {
            try copy.update(DenseVectorColumn(rows: [[1, 2]]))
        }
        #expect(throws: LearningError.nonFiniteValue(column: "features", row: 0)) {
            try copy.update(DenseVectorColumn(rows: [[.nan, 2], [1, 1]]))
        }
        try copy.update(DenseVectorColumn(rows: [[0, 0], [1, 1]]))
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 2, found: 3)) {
            try copy.update(DenseVectorColumn(rows: [[0, 0, 0]]))
        }
        #expect(throws: LearningError.invalidParameter(name: "decayFactor", value: "1.5", reason: "must be between 0.0 and 1.0")) {
            try StreamingKMeans().with(StreamingKMeans.decayFactor, 1.5)
        }
        #expect(throws: LearningError.self) { try StreamingKMeans().with(StreamingKMeans.halfLife, -1) }
    }
}
