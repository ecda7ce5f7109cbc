import Foundation

/// Batch k-means clustering (Lloyd's algorithm) on a dense vector column.
///
/// Starts from k-means++ (default) or random rows chosen with a seeded generator, then
/// alternates assignment and centre update on all cores until the centres move less than
/// `tolerance` or `maxIterations` is reached. With cosine distance the rows and centres are
/// normalised to unit length (spherical k-means).
///
/// ```swift
/// let model = try KMeans().with(KMeans.k, 3).with(KMeans.seed, 42).fit(table)
/// let (cluster, distance) = try model.predict([1.0, 2.0])
/// ```
public struct KMeans: Estimator, ParameterOnlyStage {
    public static let stageType = "KMeans"
    /// Dense vector column to cluster. Default: "features".
    public static let featuresColumn = Param<String>("featuresColumn", default: "features", doc: "dense vector column to cluster", rule: .nonEmpty)
    /// Column for the cluster index. Default: "prediction".
    public static let predictionColumn = Param<String>("predictionColumn", default: "prediction", doc: "column for the cluster index", rule: .nonEmpty)
    /// Column for the distance to the centre. Default: "distance".
    public static let distanceColumn = Param<String>("distanceColumn", default: "distance", doc: "column for the distance to the assigned centre", rule: .nonEmpty)
    /// Number of clusters. Default: 2.
    public static let k = Param<Int>("k", default: 2, doc: "number of clusters", rule: .within(1 ... 1_000_000))
    /// Iteration limit. Default: 50.
    public static let maxIterations = Param<Int>("maxIterations", default: 50, doc: "maximum Lloyd iterations", rule: .atLeast(1))
    /// Convergence tolerance relative to the data's mean per-feature variance. Default: 1e-4.
    public static let tolerance = Param<Double>("tolerance", default: 1e-4, doc: "stop when the summed squared centre movement is below tolerance × mean feature variance", rule: .finiteAtLeast(0))
    /// Initialisation. Default: k-means++.
    public static let initialization = Param<KMeansInitialization>("initialization", default: .kMeansPlusPlus, doc: "k-means++ or random")
    /// Distance measure. Default: euclidean.
    public static let distance = Param<DistanceMeasure>("distance", default: .euclidean, doc: "euclidean or cosine")
    /// Random seed. Default: 1.
    public static let seed = Param<UInt64>("seed", default: 1, doc: "seed for initialisation")
    public static let declaredParams = [featuresColumn.erased, predictionColumn.erased, distanceColumn.erased, k.erased,
                                        maxIterations.erased, tolerance.erased, initialization.erased, distance.erased, seed.erased]
    public var params = ParamMap()

    /// k-means with default parameters.
    public init() {}

    public func fit(_ table: Table) throws(LearningError) -> KMeansModel {
        let name = get(Self.featuresColumn)
        guard table.rowCount > 0 else { throw .emptyTable(operation: "KMeans.fit") }
        guard case let .dense(column) = try FeatureMatrix.read(table, column: name) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "sparse vector")
        }
        let k = get(Self.k)
        guard column.count >= k else { throw .tooFewRows(operation: "KMeans with k = \(k)", needed: k, found: column.count) }
        let measure = get(Self.distance)
        var data = column.values
        if measure == .cosine { VectorKernels.normalizeRows(&data, dimension: column.dimension) }
        var generator = SeededGenerator(seed: get(Self.seed))
        let dimension = column.dimension
        let result = data.withUnsafeBufferPointer { buffer in
            var centres: [Double]
            switch get(Self.initialization) {
            case .kMeansPlusPlus:
                centres = KMeansSeeding.plusPlus(data: buffer, rowCount: column.count, dimension: dimension, k: k, generator: &generator)
            case .random:
                centres = KMeansSeeding.randomRows(data: buffer, rowCount: column.count, dimension: dimension, k: k, generator: &generator)
            }
            if measure == .cosine { VectorKernels.normalizeRows(&centres, dimension: dimension) }
            let threshold = get(Self.tolerance) * KMeansSeeding.meanVariance(data: buffer, rowCount: column.count, dimension: dimension)
            var iterations = 0
            for _ in 0 ..< get(Self.maxIterations) {
                iterations += 1
                let (sums, counts, _) = LloydKernel.pass(data: buffer, rowCount: column.count, dimension: dimension, centres: centres, k: k)
                var updated = centres
                for cluster in 0 ..< k where counts[cluster] > 0 {
                    // An empty cluster keeps its centre; it may win points back next pass.
                    for element in 0 ..< dimension {
                        updated[cluster * dimension + element] = sums[cluster * dimension + element] / counts[cluster]
                    }
                }
                if measure == .cosine { VectorKernels.normalizeRows(&updated, dimension: dimension) }
                var shift = 0.0
                for index in 0 ..< updated.count {
                    let move = updated[index] - centres[index]
                    shift += move * move
                }
                centres = updated
                if shift <= threshold { break }
            }
            // A final assignment so the reported cost and sizes belong to the returned centres.
            let final = LloydKernel.pass(data: buffer, rowCount: column.count, dimension: dimension, centres: centres, k: k)
            return (centres, final.counts, final.sse, iterations)
        }
        let cost = measure == .cosine ? result.2 / 2 : result.2
        return KMeansModel(params: params,
                           centres: DenseVectorColumn(unchecked: dimension, count: k, values: result.0),
                           clusterSizes: result.1, trainingCost: cost, iterations: result.3)
    }
}
