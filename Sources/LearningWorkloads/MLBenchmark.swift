import Learning

/// Runs the learning workloads of `portrait bench ml` (see bench/README.md): reads the
/// generator's files, fits with the same stages an application would use, and measures.
public enum MLBenchmark {
    /// Hash slots for FTRL's features (2^20, as the benchmark contract suggests).
    public static let ftrlHashBits = 20

    /// Runs one workload; throws ``MLDataError`` for bad files or options and
    /// ``Learning/LearningError`` for data the algorithms reject.
    public static func run(_ options: MLBenchmarkOptions) throws -> MLBenchmarkReport {
        guard options.k >= 1 else { throw MLDataError.invalidOption(name: "k", reason: "must be at least 1") }
        guard options.maxIterations >= 1 else { throw MLDataError.invalidOption(name: "max-iter", reason: "must be at least 1") }
        switch options.algo {
        case .kmeans, .streamingKMeans: return try clustering(options)
        case .lr, .ftrl: return try prediction(options)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    private static func clustering(_ options: MLBenchmarkOptions) throws -> MLBenchmarkReport {
        let clock = ContinuousClock()
        var table = Table()
        let load = try clock.measure { table = try PointsFile.load(options.input) }
        var model: KMeansModel?
        let wall: Duration
        if options.algo == .kmeans {
            let kmeans = try KMeans().with(KMeans.k, options.k).with(KMeans.maxIterations, options.maxIterations)
                .with(KMeans.seed, options.seed)
            wall = try clock.measure { model = try kmeans.fit(table) }
        } else {
            let streaming = try StreamingKMeans().with(StreamingKMeans.k, options.k).with(StreamingKMeans.seed, options.seed)
            wall = try clock.measure { model = try streaming.fit(table) }
        }
        guard let model else { throw LearningError.noModelYet }
        // Streaming models carry no training cost, so score the final centres on all points.
        let sse = options.algo == .kmeans ? model.trainingCost : try model.cost(table)
        return MLBenchmarkReport(algo: options.algo, rows: table.rowCount, loadSeconds: seconds(load), wallSeconds: seconds(wall),
                                 rowsPerSecond: Double(table.rowCount) / max(seconds(wall), 1e-9), sse: sse, auc: nil,
                                 logLoss: nil, iterations: model.iterations)
    }

    private static func prediction(_ options: MLBenchmarkOptions) throws -> MLBenchmarkReport {
        guard let testPath = options.test else {
            throw MLDataError.invalidOption(name: "test", reason: "\(options.algo.rawValue) needs a test file to report auc and logloss")
        }
        let clock = ContinuousClock()
        var train = Table(), test = Table(), categories: [String] = []
        let load = try clock.measure {
            (train, categories) = try ClassifyFile.load(options.input)
            test = try ClassifyFile.load(testPath).table
        }
        let pipeline = try options.algo == .lr ? logisticPipeline(train, categories: categories, options: options)
                                               : ftrlPipeline(train, categories: categories)
        var model: PipelineModel?
        let wall = try clock.measure { model = try pipeline.fit(train) }
        guard let model else { throw LearningError.noModelYet }
        let scored = try model.transform(test)
        let metrics = try BinaryClassificationMetrics(scores: scored.numeric("probability"), labels: test.numeric("label"))
        let iterations = (model.stages.last as? LogisticRegressionModel)?.iterations
        return MLBenchmarkReport(algo: options.algo, rows: train.rowCount, loadSeconds: seconds(load), wallSeconds: seconds(wall),
                                 rowsPerSecond: Double(train.rowCount) / max(seconds(wall), 1e-9), sse: nil,
                                 auc: metrics.areaUnderROC, logLoss: metrics.logLoss,
                                 iterations: options.algo == .lr ? iterations : nil)
    }

    /// One-hot categoricals + dense features → L2 logistic regression with scikit-learn's
    /// default strength (C = 1, i.e. λ = 1 / rows on the mean loss).
    private static func logisticPipeline(_ train: Table, categories: [String], options: MLBenchmarkOptions) throws -> Pipeline {
        let hasDense = train.columnNames.contains("dense")
        var stages: [any PipelineStage] = []
        var assembled: [String] = hasDense ? ["dense"] : []
        if !categories.isEmpty {
            stages.append(try OneHotEncoder().with(OneHotEncoder.inputColumns, categories)
                .with(OneHotEncoder.outputColumn, "categoryVector").with(OneHotEncoder.handleUnknown, .ignore))
            assembled.append("categoryVector")
        }
        stages.append(try VectorAssembler().with(VectorAssembler.inputColumns, assembled).with(VectorAssembler.outputColumn, "features"))
        stages.append(try LogisticRegression().with(LogisticRegression.regParam, 1 / Double(max(train.rowCount, 1)))
            .with(LogisticRegression.maxIterations, options.maxIterations))
        return try Pipeline(stages)
    }

    /// Signed hashing of dense values and categoricals into 2^20 slots → one FTRL pass
    /// (α = 0.3 was the best of 0.02–2 on gen_ml.py classify data; see docs/LEARNING.md).
    private static func ftrlPipeline(_ train: Table, categories: [String]) throws -> Pipeline {
        let inputs = (train.columnNames.contains("dense") ? ["dense"] : []) + categories
        return try Pipeline([
            FeatureHasher().with(FeatureHasher.inputColumns, inputs).with(FeatureHasher.outputColumn, "features")
                .with(FeatureHasher.numFeaturesLog2, ftrlHashBits),
            FTRL().with(FTRL.alpha, 0.3).with(FTRL.beta, 1).with(FTRL.l1, 1).with(FTRL.l2, 1),
        ])
    }
}
