import Foundation

/// Choosing starting centres for k-means, and the data statistics the stopping rule needs.
enum KMeansSeeding {
    /// k distinct rows chosen uniformly.
    static func randomRows(data: UnsafeBufferPointer<Double>, rowCount: Int, dimension: Int, k: Int,
                           generator: inout SeededGenerator) -> [Double] {
        var chosen = Set<Int>()
        var order: [Int] = []
        while order.count < k {
            let row = Int(generator.next() % UInt64(rowCount))
            if chosen.insert(row).inserted { order.append(row) }
        }
        return order.flatMap { Array(data[$0 * dimension ..< ($0 + 1) * dimension]) }
    }

    /// Greedy k-means++: each new centre is the best (lowest resulting cost) of `2 + ln k`
    /// candidates drawn in proportion to the squared distance to the nearest chosen centre.
    static func plusPlus(data: UnsafeBufferPointer<Double>, rowCount: Int, dimension: Int, k: Int,
                         generator: inout SeededGenerator) -> [Double] {
        guard let base = data.baseAddress else { return [] }
        let trials = 2 + Int(log(Double(k)))
        var centres: [Double] = []
        centres.reserveCapacity(k * dimension)
        let first = Int(generator.next() % UInt64(rowCount))
        centres.append(contentsOf: data[first * dimension ..< (first + 1) * dimension])
        var nearest = [Double](repeating: 0, count: rowCount)
        let ranges = ParallelChunks.ranges(count: rowCount)
        nearest.withUnsafeMutableBufferPointer { distances in
            ParallelChunks.run(ranges) { _, rows in
                for row in rows {
                    distances[row] = VectorKernels.squaredDistance(base + row * dimension, base + first * dimension, dimension)
                }
            }
        }
        var cumulative = [Double](repeating: 0, count: rowCount)
        for _ in 1 ..< k {
            var running = 0.0
            for row in 0 ..< rowCount {
                running += nearest[row]
                cumulative[row] = running
            }
            var bestCandidate = -1
            var bestCost = Double.infinity
            for _ in 0 ..< trials {
                let candidate: Int
                if running > 0 {
                    let target = generator.nextUnit() * running
                    // First row whose cumulative weight exceeds the target.
                    var low = 0, high = rowCount - 1
                    while low < high {
                        let middle = (low + high) / 2
                        if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                    }
                    candidate = low
                } else {
                    // Every row already coincides with a centre; any choice costs nothing.
                    candidate = Int(generator.next() % UInt64(rowCount))
                }
                let cost = potential(base: base, ranges: ranges, dimension: dimension, nearest: nearest, candidate: candidate)
                if cost < bestCost {
                    bestCost = cost
                    bestCandidate = candidate
                }
            }
            let chosen = bestCandidate
            centres.append(contentsOf: data[chosen * dimension ..< (chosen + 1) * dimension])
            nearest.withUnsafeMutableBufferPointer { distances in
                ParallelChunks.run(ranges) { _, rows in
                    for row in rows {
                        let distance = VectorKernels.squaredDistance(base + row * dimension, base + chosen * dimension, dimension)
                        if distance < distances[row] { distances[row] = distance }
                    }
                }
            }
        }
        return centres
    }

    /// The clustering cost if `candidate` were added as a centre.
    private static func potential(base: UnsafePointer<Double>, ranges: [Range<Int>], dimension: Int,
                                  nearest: [Double], candidate: Int) -> Double {
        var partial = [Double](repeating: 0, count: ranges.count)
        nearest.withUnsafeBufferPointer { distances in
            partial.withUnsafeMutableBufferPointer { sums in
                ParallelChunks.run(ranges) { chunk, rows in
                    var total = 0.0
                    for row in rows {
                        total += min(distances[row],
                                     VectorKernels.squaredDistance(base + row * dimension, base + candidate * dimension, dimension))
                    }
                    sums[chunk] = total
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Mean over features of each feature's variance: the scale of the tolerance (as in
    /// scikit-learn, so the same tolerance means the same thing for data of any scale).
    static func meanVariance(data: UnsafeBufferPointer<Double>, rowCount: Int, dimension: Int) -> Double {
        var sums = [Double](repeating: 0, count: dimension)
        var squares = [Double](repeating: 0, count: dimension)
        for row in 0 ..< rowCount {
            for element in 0 ..< dimension {
                let value = data[row * dimension + element]
                sums[element] += value
                squares[element] += value * value
            }
        }
        var total = 0.0
        for element in 0 ..< dimension {
            let mean = sums[element] / Double(rowCount)
            total += max(squares[element] / Double(rowCount) - mean * mean, 0)
        }
        return total / Double(dimension)
    }
}
