import Foundation

/// The evolving centres of a ``StreamingKMeans`` run: update with mini-batches, take a
/// ``snapshot()`` at any time.
public struct StreamingKMeansLearner: Sendable {
    private let configuration: StreamingKMeans
    private let decay: Double
    /// Centres, one row each; `nil` until the first batch when seeding from data.
    public private(set) var centres: DenseVectorColumn?
    /// Decayed number of points behind each centre.
    public private(set) var weights: [Double]
    /// Mini-batches seen.
    public private(set) var batchesSeen = 0

    init(configuration: StreamingKMeans, centres: DenseVectorColumn?, weights: [Double]) {
        self.configuration = configuration
        self.decay = configuration.effectiveDecay
        var normalized = centres
        if let centres, configuration.get(StreamingKMeans.distance) == .cosine {
            var values = centres.values
            VectorKernels.normalizeRows(&values, dimension: centres.dimension)
            normalized = DenseVectorColumn(unchecked: centres.dimension, count: centres.count, values: values)
        }
        self.centres = normalized
        self.weights = weights
    }

    /// Updates the centres with one mini-batch of rows from `table`'s feature column.
    public mutating func update(_ table: Table) throws(LearningError) {
        guard case let .dense(column) = try FeatureMatrix.read(table, column: configuration.get(StreamingKMeans.featuresColumn)) else {
            throw .columnTypeMismatch(column: configuration.get(StreamingKMeans.featuresColumn), expected: "dense vector", found: "sparse vector")
        }
        try update(column)
    }

    /// Updates the centres with one mini-batch.
    public mutating func update(_ batch: DenseVectorColumn) throws(LearningError) {
        let name = configuration.get(StreamingKMeans.featuresColumn)
        guard batch.count > 0 else { return }
        if let row = batch.firstNonFiniteRow() { throw .nonFiniteValue(column: name, row: row) }
        let k = configuration.get(StreamingKMeans.k)
        let cosine = configuration.get(StreamingKMeans.distance) == .cosine
        var data = batch.values
        if cosine { VectorKernels.normalizeRows(&data, dimension: batch.dimension) }
        if centres == nil {
            guard batch.count >= k else {
                throw .tooFewRows(operation: "StreamingKMeans's first batch with k = \(k)", needed: k, found: batch.count)
            }
            var generator = SeededGenerator(seed: configuration.get(StreamingKMeans.seed))
            var seeded = data.withUnsafeBufferPointer {
                KMeansSeeding.plusPlus(data: $0, rowCount: batch.count, dimension: batch.dimension, k: k, generator: &generator)
            }
            if cosine { VectorKernels.normalizeRows(&seeded, dimension: batch.dimension) }
            centres = DenseVectorColumn(unchecked: batch.dimension, count: k, values: seeded)
            weights = [Double](repeating: 0, count: k)
        }
        guard let current = centres else { return }
        guard batch.dimension == current.dimension else {
            throw .dimensionMismatch(column: name, expected: current.dimension, found: batch.dimension)
        }
        let dimension = current.dimension
        let (sums, counts, _) = data.withUnsafeBufferPointer {
            LloydKernel.pass(data: $0, rowCount: batch.count, dimension: dimension, centres: current.values, k: k)
        }
        let discount = configuration.get(StreamingKMeans.timeUnit) == .batches ? decay : pow(decay, Double(batch.count))
        var values = current.values
        for cluster in 0 ..< k {
            let updated = weights[cluster] * discount + counts[cluster]
            if counts[cluster] > 0 {
                // Move toward the batch mean by the new points' share of the total weight.
                let share = counts[cluster] / updated
                for element in 0 ..< dimension {
                    let index = cluster * dimension + element
                    values[index] += (sums[index] / counts[cluster] - values[index]) * share
                }
            }
            weights[cluster] = updated
        }
        splitDyingCluster(&values, dimension: dimension)
        if cosine { VectorKernels.normalizeRows(&values, dimension: dimension) }
        centres = DenseVectorColumn(unchecked: dimension, count: k, values: values)
        batchesSeen += 1
    }

    /// Re-seeds a cluster that has (nearly) no weight left by splitting the heaviest one, so a
    /// centre stranded away from the data rejoins it (as Spark's StreamingKMeans does).
    private mutating func splitDyingCluster(_ values: inout [Double], dimension: Int) {
        guard weights.count > 1, let heaviest = weights.indices.max(by: { weights[$0] < weights[$1] }),
              let lightest = weights.indices.min(by: { weights[$0] < weights[$1] }),
              weights[lightest] < 1e-8 * weights[heaviest] else { return }
        let shared = (weights[heaviest] + weights[lightest]) / 2
        weights[heaviest] = shared
        weights[lightest] = shared
        for element in 0 ..< dimension {
            let value = values[heaviest * dimension + element]
            let nudge = 1e-14 * max(abs(value), 1)
            values[heaviest * dimension + element] = value + nudge
            values[lightest * dimension + element] = value - nudge
        }
    }

    /// The current centres as an immutable model; throws ``LearningError/noModelYet`` before
    /// the first batch of a learner seeded from data.
    public func snapshot() throws(LearningError) -> KMeansModel {
        guard let centres else { throw .noModelYet }
        var params = ParamMap()
        for param in [KMeans.featuresColumn, KMeans.predictionColumn, KMeans.distanceColumn] {
            params.values[param.name] = configuration.get(param).jsonValue
        }
        params.values[KMeans.k.name] = configuration.get(KMeans.k).jsonValue
        params.values[KMeans.distance.name] = configuration.get(KMeans.distance).jsonValue
        params.values[KMeans.seed.name] = configuration.get(KMeans.seed).jsonValue
        return KMeansModel(params: params, centres: centres, clusterSizes: weights, trainingCost: 0, iterations: batchesSeen)
    }
}
