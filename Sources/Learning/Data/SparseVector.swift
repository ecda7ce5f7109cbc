/// A sparse vector: strictly increasing indices into `0..<dimension` and their values.
public struct SparseVector: Sendable, Equatable {
    /// The vector's full length.
    public let dimension: Int
    /// Positions of the stored values, strictly increasing.
    public let indices: [Int32]
    /// The stored values.
    public let values: [Double]

    /// Wraps already sorted, distinct indices; throws when they are out of range or unsorted.
    public init(dimension: Int, indices: [Int32], values: [Double]) throws(LearningError) {
        guard indices.count == values.count else {
            throw .dimensionMismatch(column: "<sparse>", expected: indices.count, found: values.count)
        }
        var previous = -1
        for index in indices {
            let position = Int(index)
            guard position > previous, position < dimension else {
                throw .invalidSparseIndex(column: "<sparse>", row: 0, index: position, dimension: dimension)
            }
            previous = position
        }
        self.dimension = dimension
        self.indices = indices
        self.values = values
    }

    /// Builds a vector from unordered `(index, value)` pairs, adding values that share an
    /// index (what hashing collisions need).
    public init(dimension: Int, summing pairs: [(Int, Double)]) throws(LearningError) {
        let sorted = pairs.sorted { $0.0 < $1.0 }
        var indices: [Int32] = []
        var values: [Double] = []
        indices.reserveCapacity(sorted.count)
        values.reserveCapacity(sorted.count)
        for (index, value) in sorted {
            guard index >= 0, index < dimension else {
                throw .invalidSparseIndex(column: "<sparse>", row: 0, index: index, dimension: dimension)
            }
            if let last = indices.last, Int(last) == index {
                values[values.count - 1] += value
            } else {
                indices.append(Int32(index))
                values.append(value)
            }
        }
        self.dimension = dimension
        self.indices = indices
        self.values = values
    }

    init(unchecked dimension: Int, indices: [Int32], values: [Double]) {
        self.dimension = dimension
        self.indices = indices
        self.values = values
    }

    /// The dense form.
    public var dense: [Double] {
        var result = [Double](repeating: 0, count: dimension)
        for (index, value) in zip(indices, values) { result[Int(index)] = value }
        return result
    }
}
