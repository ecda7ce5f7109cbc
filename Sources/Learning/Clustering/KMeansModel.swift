/// Fitted k-means centres: assigns points to their nearest centre.
///
/// Produced by ``KMeans`` (batch) and by ``StreamingKMeansLearner/snapshot()``. `transform`
/// adds the cluster index and the distance to its centre (Euclidean distance, or `1 − cos`
/// for cosine).
public struct KMeansModel: Model {
    public static let stageType = "KMeansModel"
    public static let declaredParams = KMeans.declaredParams
    public var params: ParamMap
    /// The centres, one row each.
    public let centres: DenseVectorColumn
    /// Points assigned to each centre at the end of fitting (decayed weights for streaming models).
    public let clusterSizes: [Double]
    /// Sum of squared distances (Euclidean) or of cosine distances to the nearest centre on the
    /// training data.
    public let trainingCost: Double
    /// Lloyd iterations run (mini-batches seen, for streaming models).
    public let iterations: Int

    /// Number of clusters.
    public var k: Int { centres.count }
    /// Vector length.
    public var dimension: Int { centres.dimension }

    /// A model from explicit centres (one row each); the distance measure is a parameter.
    public init(centres: DenseVectorColumn, distance: DistanceMeasure = .euclidean) throws(LearningError) {
        guard centres.count > 0 else { throw .emptyTable(operation: "KMeansModel(centres:)") }
        if let row = centres.firstNonFiniteRow() { throw .nonFiniteValue(column: "centres", row: row) }
        var values = centres.values
        if distance == .cosine { VectorKernels.normalizeRows(&values, dimension: centres.dimension) }
        self.init(params: ParamMap(), centres: DenseVectorColumn(unchecked: centres.dimension, count: centres.count, values: values),
                  clusterSizes: [Double](repeating: 0, count: centres.count), trainingCost: 0, iterations: 0)
        try set(KMeans.k, centres.count)
        try set(KMeans.distance, distance)
    }

    init(params: ParamMap, centres: DenseVectorColumn, clusterSizes: [Double], trainingCost: Double, iterations: Int) {
        self.params = params
        self.centres = centres
        self.clusterSizes = clusterSizes
        self.trainingCost = trainingCost
        self.iterations = iterations
    }

    /// The nearest centre to `point` and the distance to it.
    public func predict(_ point: [Double]) throws(LearningError) -> (cluster: Int, distance: Double) {
        guard point.count == dimension else {
            throw .dimensionMismatch(column: get(KMeans.featuresColumn), expected: dimension, found: point.count)
        }
        guard point.allSatisfy(\.isFinite) else { throw .nonFiniteValue(column: get(KMeans.featuresColumn), row: 0) }
        var values = point
        let cosine = get(KMeans.distance) == .cosine
        if cosine { VectorKernels.normalizeRows(&values, dimension: dimension) }
        var result = (cluster: 0, distance: 0.0)
        LloydKernel.forEachNearest(values, dimension: dimension, centres: centres.values, k: k) { _, index, squared in
            result = (index, cosine ? squared / 2 : squared.squareRoot())
        }
        return result
    }

    /// Sum of squared Euclidean distances (or of cosine distances) from each row of `column`
    /// to its nearest centre.
    public func cost(_ table: Table) throws(LearningError) -> Double {
        let name = get(KMeans.featuresColumn)
        guard case let .dense(column) = try FeatureMatrix.read(table, column: name, expectedDimension: dimension) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "sparse vector")
        }
        var data = column.values
        let cosine = get(KMeans.distance) == .cosine
        if cosine { VectorKernels.normalizeRows(&data, dimension: dimension) }
        let sse = data.withUnsafeBufferPointer { buffer in
            LloydKernel.pass(data: buffer, rowCount: column.count, dimension: dimension, centres: centres.values, k: k).sse
        }
        return cosine ? sse / 2 : sse
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let name = get(KMeans.featuresColumn)
        guard case let .dense(column) = try FeatureMatrix.read(table, column: name, expectedDimension: dimension) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "sparse vector")
        }
        var data = column.values
        let cosine = get(KMeans.distance) == .cosine
        if cosine { VectorKernels.normalizeRows(&data, dimension: dimension) }
        var clusters = [Double](repeating: 0, count: column.count)
        var distances = [Double](repeating: 0, count: column.count)
        LloydKernel.forEachNearest(data, dimension: dimension, centres: centres.values, k: k) { row, index, squared in
            clusters[row] = Double(index)
            distances[row] = cosine ? squared / 2 : squared.squareRoot()
        }
        return try table.adding(get(KMeans.predictionColumn), .numeric(clusters))
            .adding(get(KMeans.distanceColumn), .numeric(distances))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        let name = get(KMeans.featuresColumn)
        guard case let .vector(point) = try row.require(name) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "another kind")
        }
        let (cluster, distance) = try predict(point)
        var result = row
        result.set(get(KMeans.predictionColumn), .number(Double(cluster)))
        result.set(get(KMeans.distanceColumn), .number(distance))
        return result
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        saved.arrays["centres"] = .doubles(centres.values)
        saved.arrays["clusterSizes"] = .doubles(clusterSizes)
        saved.metadata["dimension"] = .number(Double(dimension))
        saved.metadata["trainingCost"] = .number(trainingCost)
        saved.metadata["iterations"] = .number(Double(iterations))
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        let dimension = try saved.metadataInt("dimension")
        let values = try saved.doubles("centres")
        guard dimension > 0, !values.isEmpty, values.count % dimension == 0 else {
            throw .corruptSave(path: saved.stageType, reason: "centres do not fit dimension \(dimension)")
        }
        let sizes = try saved.doubles("clusterSizes")
        guard sizes.count == values.count / dimension else {
            throw .corruptSave(path: saved.stageType, reason: "clusterSizes has \(sizes.count) entries for \(values.count / dimension) centres")
        }
        self.init(params: ParamMap(), centres: DenseVectorColumn(unchecked: dimension, count: values.count / dimension, values: values),
                  clusterSizes: sizes, trainingCost: try saved.metadataDouble("trainingCost"),
                  iterations: try saved.metadataInt("iterations"))
        try setParams(fromJSON: saved.params)
    }
}
