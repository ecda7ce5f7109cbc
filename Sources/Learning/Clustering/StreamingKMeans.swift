import Foundation

/// Streaming (mini-batch) k-means with forgetting, after Spark/Alink `StreamingKMeans` and
/// Flink ML `OnlineKMeans`.
///
/// Each mini-batch moves every centre toward the mean of the points assigned to it:
///
///     n' = n·d + m        c' = (c·n·d + Σx) / n'
///
/// where `m` points fall in the cluster and `d` is the decay: 1 remembers everything (the
/// centres converge to the batch answer on a stationary stream), smaller values forget old
/// batches so the centres follow a drifting stream. `halfLife` sets `d` so that data's weight
/// halves after that many batches (or points, with `timeUnit` = points). A centre whose
/// weight falls below 1e-8 of the largest is re-seeded by splitting the largest cluster.
public struct StreamingKMeans: Estimator, ParameterOnlyStage {
    public static let stageType = "StreamingKMeans"
    /// Dense vector column. Default: "features".
    public static let featuresColumn = KMeans.featuresColumn
    /// Number of clusters. Default: 2.
    public static let k = KMeans.k
    /// Distance measure. Default: euclidean.
    public static let distance = KMeans.distance
    /// Seed for the first-batch initialisation. Default: 1.
    public static let seed = KMeans.seed
    /// Forgetting factor per time unit, in (0, 1]. Default: 1 (no forgetting).
    public static let decayFactor = Param<Double>("decayFactor", default: 1, doc: "weight kept per time unit; 1 = no forgetting", rule: .finiteWithin(0 ... 1))
    /// Time units after which data's weight halves; overrides decayFactor when set. Default: none.
    public static let halfLife = Param<Double?>("halfLife", default: nil, doc: "time units for old data's weight to halve (overrides decayFactor)", rule: ParamRule { value in
        guard let value else { return nil }
        return value.isFinite && value > 0 ? nil : "must be a positive number of time units, or null"
    })
    /// What one time unit is: a mini-batch or a point. Default: batches.
    public static let timeUnit = Param<StreamingTimeUnit>("timeUnit", default: .batches, doc: "batches or points")
    /// Rows per mini-batch when fitting on a table. Default: 1000.
    public static let batchSize = Param<Int>("batchSize", default: 1000, doc: "rows per mini-batch when fitting a table", rule: .atLeast(1))
    public static let declaredParams = [featuresColumn.erased, KMeans.predictionColumn.erased, KMeans.distanceColumn.erased,
                                        k.erased, distance.erased, seed.erased, decayFactor.erased, halfLife.erased,
                                        timeUnit.erased, batchSize.erased]
    public var params = ParamMap()

    /// Streaming k-means with default parameters.
    public init() {}

    /// The decay applied per time unit.
    public var effectiveDecay: Double {
        if let halfLife = get(Self.halfLife) { return exp(log(0.5) / halfLife) }
        return get(Self.decayFactor)
    }

    /// A learner whose centres are chosen by k-means++ from the first mini-batch it sees.
    public func makeLearner() -> StreamingKMeansLearner {
        StreamingKMeansLearner(configuration: self, centres: nil, weights: [])
    }

    /// A learner starting from a batch model's centres and cluster sizes.
    public func makeLearner(from model: KMeansModel) throws(LearningError) -> StreamingKMeansLearner {
        guard model.k == get(Self.k) else {
            throw .invalidParameter(name: "k", value: String(get(Self.k)), reason: "must equal the starting model's k (\(model.k))")
        }
        return StreamingKMeansLearner(configuration: self, centres: model.centres, weights: model.clusterSizes)
    }

    /// A learner starting from `k` centres drawn from a standard normal distribution times
    /// `scale`, each with weight 0 (so the first batch moves them fully).
    public func makeLearner(randomCentresOfDimension dimension: Int, scale: Double = 1) throws(LearningError) -> StreamingKMeansLearner {
        guard dimension > 0 else { throw .invalidParameter(name: "dimension", value: String(dimension), reason: "must be at least 1") }
        var generator = SeededGenerator(seed: get(Self.seed))
        let k = get(Self.k)
        let values = (0 ..< k * dimension).map { _ in generator.nextGaussian() * scale }
        return StreamingKMeansLearner(configuration: self, centres: DenseVectorColumn(unchecked: dimension, count: k, values: values),
                                      weights: [Double](repeating: 0, count: k))
    }

    /// Streams `table` through a fresh learner in mini-batches of `batchSize` and returns the
    /// final snapshot.
    public func fit(_ table: Table) throws(LearningError) -> KMeansModel {
        guard table.rowCount > 0 else { throw .emptyTable(operation: "StreamingKMeans.fit") }
        guard case let .dense(column) = try FeatureMatrix.read(table, column: get(Self.featuresColumn)) else {
            throw .columnTypeMismatch(column: get(Self.featuresColumn), expected: "dense vector", found: "sparse vector")
        }
        var learner = makeLearner()
        let size = get(Self.batchSize)
        var start = 0
        while start < column.count {
            let end = min(start + size, column.count)
            try learner.update(column.slice(start ..< end))
            start = end
        }
        return try learner.snapshot()
    }
}

/// What one unit of forgetting is for ``StreamingKMeans``.
public enum StreamingTimeUnit: String, ParamValue, CaseIterable, Sendable {
    /// Decay once per mini-batch.
    case batches
    /// Decay once per point (so larger batches forget more).
    case points
}
