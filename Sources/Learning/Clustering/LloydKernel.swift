/// The inner loops of k-means: nearest-centre search and per-chunk accumulation.
///
/// Centres are compared through `‖c‖² − 2·x·c`, which orders centres exactly like the
/// squared distance but costs one dot product per centre; the squared distance itself is
/// recovered by adding `‖x‖²`.
enum LloydKernel {
    /// The nearest centre to `point` and the squared Euclidean distance to it.
    @inline(__always)
    static func nearest(_ point: UnsafePointer<Double>, dimension: Int, centres: UnsafePointer<Double>,
                        centreNorms: UnsafePointer<Double>, k: Int) -> (index: Int, squaredDistance: Double) {
        var best = 0
        var bestScore = Double.infinity
        var centre = centres
        for index in 0 ..< k {
            let score = centreNorms[index] - 2 * VectorKernels.dot(point, centre, dimension)
            if score < bestScore {
                bestScore = score
                best = index
            }
            centre += dimension
        }
        let squared = VectorKernels.dot(point, point, dimension) + bestScore
        // Rounding can make a zero distance slightly negative.
        return (best, max(squared, 0))
    }

    /// Assigns rows `rows` of `data` to their nearest centres, adding each row to its centre's
    /// `sums` and `counts`; returns the rows' summed squared distance.
    static func accumulate(data: UnsafePointer<Double>, rows: Range<Int>, dimension: Int,
                           centres: UnsafePointer<Double>, centreNorms: UnsafePointer<Double>, k: Int,
                           sums: UnsafeMutablePointer<Double>, counts: UnsafeMutablePointer<Double>) -> Double {
        var total = 0.0
        for row in rows {
            let point = data + row * dimension
            let (index, squared) = nearest(point, dimension: dimension, centres: centres, centreNorms: centreNorms, k: k)
            total += squared
            counts[index] += 1
            let sum = sums + index * dimension
            for element in 0 ..< dimension { sum[element] += point[element] }
        }
        return total
    }

    /// `‖c‖²` for each centre.
    static func norms(_ centres: [Double], dimension: Int) -> [Double] {
        centres.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            return (0 ..< buffer.count / dimension).map { VectorKernels.dot(base + $0 * dimension, base + $0 * dimension, dimension) }
        }
    }

    /// One parallel assignment pass over all rows: per-centre sums and counts and the SSE.
    static func pass(data: UnsafeBufferPointer<Double>, rowCount: Int, dimension: Int, centres: [Double], k: Int)
        -> (sums: [Double], counts: [Double], sse: Double) {
        let ranges = ParallelChunks.ranges(count: rowCount)
        let centreNorms = norms(centres, dimension: dimension)
        var sums = [Double](repeating: 0, count: ranges.count * k * dimension)
        var counts = [Double](repeating: 0, count: ranges.count * k)
        var errors = [Double](repeating: 0, count: ranges.count)
        guard let dataBase = data.baseAddress else { return ([], [], 0) }
        centres.withUnsafeBufferPointer { centreBuffer in
            centreNorms.withUnsafeBufferPointer { normBuffer in
                sums.withUnsafeMutableBufferPointer { sumBuffer in
                    counts.withUnsafeMutableBufferPointer { countBuffer in
                        errors.withUnsafeMutableBufferPointer { errorBuffer in
                            guard let centreBase = centreBuffer.baseAddress, let normBase = normBuffer.baseAddress,
                                  let sumBase = sumBuffer.baseAddress, let countBase = countBuffer.baseAddress else { return }
                            // Each chunk writes only its own slice of the partial arrays.
                            ParallelChunks.run(ranges) { chunk, rows in
                                errorBuffer[chunk] = accumulate(
                                    data: dataBase, rows: rows, dimension: dimension,
                                    centres: centreBase, centreNorms: normBase, k: k,
                                    sums: sumBase + chunk * k * dimension,
                                    counts: countBase + chunk * k)
                            }
                        }
                    }
                }
            }
        }
        // Reduce the per-chunk partials into the first chunk's slots.
        var totalSums = [Double](repeating: 0, count: k * dimension)
        var totalCounts = [Double](repeating: 0, count: k)
        for chunk in 0 ..< ranges.count {
            for index in 0 ..< k * dimension { totalSums[index] += sums[chunk * k * dimension + index] }
            for index in 0 ..< k { totalCounts[index] += counts[chunk * k + index] }
        }
        return (totalSums, totalCounts, errors.reduce(0, +))
    }

    /// Calls `body(row, nearestCentre, squaredDistance)` for every row of `data`, in order.
    static func forEachNearest(_ data: [Double], dimension: Int, centres: [Double], k: Int,
                               _ body: (_ row: Int, _ centre: Int, _ squaredDistance: Double) -> Void) {
        let centreNorms = norms(centres, dimension: dimension)
        data.withUnsafeBufferPointer { dataBuffer in
            centres.withUnsafeBufferPointer { centreBuffer in
                centreNorms.withUnsafeBufferPointer { normBuffer in
                    guard let dataBase = dataBuffer.baseAddress, let centreBase = centreBuffer.baseAddress,
                          let normBase = normBuffer.baseAddress else { return }
                    for row in 0 ..< dataBuffer.count / dimension {
                        let (index, squared) = nearest(dataBase + row * dimension, dimension: dimension,
                                                       centres: centreBase, centreNorms: normBase, k: k)
                        body(row, index, squared)
                    }
                }
            }
        }
    }
}
