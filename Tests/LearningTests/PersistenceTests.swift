import Foundation
import Learning
import Testing

@Suite struct PersistenceTests {
    @Test func kmeansModelRoundTripsWithIdenticalPredictions() throws {
        let table = try SyntheticData.blobs(centres: [[0, 0], [5, 5], [0, 9]], perCentre: 50, spread: 0.5, seed: 1)
        let model = try KMeans().with(KMeans.k, 3).with(KMeans.predictionColumn, "cluster").fit(table)
        let directory = SyntheticData.temporaryDirectory("kmeans")
        try model.save(to: directory)
        let loaded = try KMeansModel.load(from: directory)
        #expect(loaded.centres == model.centres)
        #expect(loaded.clusterSizes == model.clusterSizes)
        #expect(loaded.paramsJSON == model.paramsJSON)
        #expect(try loaded.transform(table) == model.transform(table))
        // The generic loader finds the type from stage.json.
        #expect(try StageStore.load(from: directory) is KMeansModel)
    }

    @Test func pipelineModelRoundTripsWithIdenticalPredictions() throws {
        var generator = SyntheticData.Classify(dense: 3, categories: 2, levels: 8, seed: 2)
        let train = try generator.table(rows: 600)
        let pipeline = try Pipeline([
            StandardScaler().with(StandardScaler.inputColumn, "dense").with(StandardScaler.outputColumn, "scaled"),
            MinMaxScaler().with(MinMaxScaler.inputColumn, "scaled").with(MinMaxScaler.outputColumn, "ranged"),
            OneHotEncoder().with(OneHotEncoder.inputColumns, ["c0"]),
            FeatureHasher().with(FeatureHasher.inputColumns, ["c1"]).with(FeatureHasher.numFeaturesLog2, 6),
            VectorAssembler().with(VectorAssembler.inputColumns, ["ranged", "categoryVector", "hashedFeatures"]).with(VectorAssembler.outputColumn, "features"),
            LogisticRegression().with(LogisticRegression.regParam, 0.01).with(LogisticRegression.elasticNetParam, 0.3),
        ])
        let model = try pipeline.fit(train)
        let directory = SyntheticData.temporaryDirectory("pipeline")
        try model.save(to: directory)
        let loaded = try PipelineModel.load(from: directory)
        #expect(try loaded.transform(train) == model.transform(train))
        let row = train.row(at: 3)
        #expect(try loaded.transform(row) == model.transform(row))
        #expect(try model.transform(row)["probability"] == .number(model.transform(train).numeric("probability")[3]))

        // The unfitted pipeline (estimators with their parameters) saves and loads too.
        let estimatorDirectory = SyntheticData.temporaryDirectory("pipeline-estimator")
        try pipeline.save(to: estimatorDirectory)
        let reloaded = try Pipeline.load(from: estimatorDirectory)
        #expect(try reloaded.fit(train).transform(train) == model.transform(train))
    }

    @Test func onlineSnapshotAndEstimatorsRoundTrip() throws {
        var learner = try FTRL().with(FTRL.l1, 0.5).makeLearner(dimension: 1 << 16)
        for index in 0 ..< 200 {
            try learner.train(SparseVector(dimension: 1 << 16, indices: [Int32(index % 7), 1000], values: [1, 1]), label: Double(index % 2))
        }
        let snapshot = learner.snapshot()
        let directory = SyntheticData.temporaryDirectory("ftrl")
        try snapshot.save(to: directory)
        let loaded = try LogisticRegressionModel.load(from: directory)
        #expect(loaded.coefficients == snapshot.coefficients && loaded.intercept == snapshot.intercept)
        // Sparse storage: far smaller than 2^16 doubles.
        let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("weights.bin").path)[.size] as? Int
        #expect((size ?? .max) < 1000)

        for stage in [try KMeans().with(KMeans.k, 4) as any PipelineStage, try FTRL().with(FTRL.alpha, 0.2),
                      try StreamingKMeans().with(StreamingKMeans.halfLife, 3)] {
            let stageDirectory = SyntheticData.temporaryDirectory("stage")
            try StageStore.save(stage, to: stageDirectory)
            let back = try StageStore.load(from: stageDirectory)
            #expect(back.paramsJSON == stage.paramsJSON)
        }
    }

    @Test func versionsAndDamageAreReportedClearly() throws {
        let model = try LogisticRegressionModel(coefficients: [1, 2], intercept: 0.5)
        let directory = SyntheticData.temporaryDirectory("versions")
        try model.save(to: directory)
        let header = directory.appendingPathComponent("stage.json")
        let original = try String(contentsOf: header, encoding: .utf8)

        // An older save that lacks a parameter added later loads with that parameter's default.
        let older = original.replacingOccurrences(of: "\"threshold\" : 0.5,", with: "")
        #expect(older != original)
        try older.write(to: header, atomically: true, encoding: .utf8)
        #expect(try LogisticRegressionModel.load(from: directory).get(LogisticRegression.threshold) == 0.5)

        // A save from a newer format is refused with both versions named.
        try original.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 7").write(to: header, atomically: true, encoding: .utf8)
        #expect(throws: LearningError.unsupportedFormatVersion(path: directory.path, found: 7, supported: 1)) {
            try LogisticRegressionModel.load(from: directory)
        }

        // A hand-edited invalid or unknown parameter is rejected with its name.
        try original.replacingOccurrences(of: "\"threshold\" : 0.5", with: "\"threshold\" : 3").write(to: header, atomically: true, encoding: .utf8)
        #expect(throws: LearningError.invalidParameter(name: "threshold", value: "3", reason: "must be between 0.0 and 1.0")) {
            try LogisticRegressionModel.load(from: directory)
        }
        try original.replacingOccurrences(of: "\"threshold\" : 0.5", with: "\"treshold\" : 0.5").write(to: header, atomically: true, encoding: .utf8)
        #expect(throws: LearningError.unknownParameter(name: "treshold", stage: "LogisticRegressionModel")) {
            try LogisticRegressionModel.load(from: directory)
        }

        // Loading as the wrong type names both types.
        try original.write(to: header, atomically: true, encoding: .utf8)
        #expect(throws: LearningError.corruptSave(path: directory.path, reason: "it holds a LogisticRegressionModel, not a KMeansModel")) {
            try KMeansModel.load(from: directory)
        }

        // A damaged weights file fails its checksum instead of loading garbage.
        let weights = directory.appendingPathComponent("weights.bin")
        var bytes = try [UInt8](Data(contentsOf: weights))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: weights)
        #expect(throws: LearningError.self) { try LogisticRegressionModel.load(from: directory) }
        #expect(throws: LearningError.self) { try KMeansModel.load(from: SyntheticData.temporaryDirectory("missing")) }
    }
}
