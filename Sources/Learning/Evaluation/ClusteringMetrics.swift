/// Quality of a clustering: the k-means cost (SSE) and the silhouette coefficient.
public enum ClusteringMetrics {
    /// Sum of squared Euclidean distances (cosine distances for cosine models) from each row to
    /// its nearest centre.
    public static func sse(of model: KMeansModel, on table: Table) throws(LearningError) -> Double {
        try model.cost(table)
    }

    /// Mean silhouette `(b − a) / max(a, b)` over a seeded sample of up to `sampleSize` rows,
    /// where `a` is a point's mean distance to the rest of its cluster and `b` the smallest mean
    /// distance to another cluster, both within the sample (the exact value is quadratic in
    /// the rows). Points alone in their cluster score 0. Ranges from −1 to 1; higher is better.
    public static func silhouette(of model: KMeansModel, on table: Table, sampleSize: Int = 2000, seed: UInt64 = 1) throws(LearningError) -> Double {
        guard sampleSize >= 2 else {
            throw .invalidParameter(name: "sampleSize", value: String(sampleSize), reason: "must be at least 2")
        }
        let name = model.get(KMeans.featuresColumn)
        guard case let .dense(column) = try FeatureMatrix.read(table, column: name, expectedDimension: model.dimension) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "sparse vector")
        }
        guard column.count >= 2 else { throw .tooFewRows(operation: "silhouette", needed: 2, found: column.count) }
        var rows = Array(0 ..< column.count)
        var generator = SeededGenerator(seed: seed)
        let size = min(sampleSize, column.count)
        for position in 0 ..< size {
            // Partial Fisher–Yates: the first `size` positions become a uniform sample.
            let other = position + Int(generator.next() % UInt64(column.count - position))
            rows.swapAt(position, other)
        }
        let sample = Array(rows[0 ..< size])
        let cosine = model.get(KMeans.distance) == .cosine
        var points = sample.flatMap { Array(column[$0]) }
        if cosine { VectorKernels.normalizeRows(&points, dimension: column.dimension) }
        let dimension = column.dimension
        let clusters = try (0 ..< size).map { index throws(LearningError) in
            try model.predict(Array(points[index * dimension ..< (index + 1) * dimension])).cluster
        }
        var total = 0.0
        points.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var sums = [Double](repeating: 0, count: model.k)
            var counts = [Int](repeating: 0, count: model.k)
            for i in 0 ..< size {
                for c in 0 ..< model.k { sums[c] = 0; counts[c] = 0 }
                for j in 0 ..< size where j != i {
                    let squared = VectorKernels.squaredDistance(base + i * dimension, base + j * dimension, dimension)
                    sums[clusters[j]] += cosine ? squared / 2 : squared.squareRoot()
                    counts[clusters[j]] += 1
                }
                let own = clusters[i]
                guard counts[own] > 0 else { continue }
                let a = sums[own] / Double(counts[own])
                var b = Double.infinity
                for c in 0 ..< model.k where c != own && counts[c] > 0 { b = min(b, sums[c] / Double(counts[c])) }
                guard b.isFinite, max(a, b) > 0 else { continue }
                total += (b - a) / max(a, b)
            }
        }
        return total / Double(size)
    }
}
