/// A column of sparse vectors in compressed-sparse-row form: row `r` owns entries
/// `offsets[r] ..< offsets[r + 1]` of `indices` and `values`.
public struct SparseVectorColumn: Sendable, Equatable {
    /// Length of every vector.
    public let dimension: Int
    /// `count + 1` offsets into `indices`/`values`, starting at 0.
    public internal(set) var offsets: [Int]
    /// Column positions, strictly increasing within a row.
    public internal(set) var indices: [Int32]
    /// Values paired with `indices`.
    public internal(set) var values: [Double]

    /// Number of vectors.
    public var count: Int { offsets.count - 1 }

    /// An empty column of vectors of `dimension`.
    public init(dimension: Int) {
        self.dimension = dimension
        self.offsets = [0]
        self.indices = []
        self.values = []
    }

    /// Wraps CSR arrays, checking offsets and indices.
    public init(dimension: Int, offsets: [Int], indices: [Int32], values: [Double]) throws(LearningError) {
        guard offsets.first == 0, offsets.last == indices.count, indices.count == values.count else {
            throw .corruptSave(path: "<sparse column>", reason: "offsets do not match the index and value arrays")
        }
        for row in 0 ..< offsets.count - 1 {
            guard offsets[row] <= offsets[row + 1] else {
                throw .corruptSave(path: "<sparse column>", reason: "offsets decrease at row \(row)")
            }
            var previous = -1
            for position in offsets[row] ..< offsets[row + 1] {
                let index = Int(indices[position])
                guard index > previous, index < dimension else {
                    throw .invalidSparseIndex(column: "<sparse>", row: row, index: index, dimension: dimension)
                }
                previous = index
            }
        }
        self.dimension = dimension
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    init(unchecked dimension: Int, offsets: [Int], indices: [Int32], values: [Double]) {
        self.dimension = dimension
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    /// Adds a vector; throws when its dimension differs.
    public mutating func append(_ vector: SparseVector) throws(LearningError) {
        guard vector.dimension == dimension else {
            throw .dimensionMismatch(column: "<sparse>", expected: dimension, found: vector.dimension)
        }
        indices.append(contentsOf: vector.indices)
        values.append(contentsOf: vector.values)
        offsets.append(indices.count)
    }

    /// Reserves room for `rows` more rows holding `entries` more stored values.
    public mutating func reserveCapacity(rows: Int, entries: Int) {
        offsets.reserveCapacity(offsets.count + rows)
        indices.reserveCapacity(indices.count + entries)
        values.reserveCapacity(values.count + entries)
    }

    /// The vector at `row`.
    public subscript(row: Int) -> SparseVector {
        let range = offsets[row] ..< offsets[row + 1]
        return SparseVector(unchecked: dimension, indices: Array(indices[range]), values: Array(values[range]))
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> SparseVectorColumn {
        let start = offsets[range.lowerBound], end = offsets[range.upperBound]
        return SparseVectorColumn(unchecked: dimension,
                                  offsets: offsets[range.lowerBound ... range.upperBound].map { $0 - start },
                                  indices: Array(indices[start ..< end]),
                                  values: Array(values[start ..< end]))
    }

    /// The first row with a NaN or infinite value, if any.
    func firstNonFiniteRow() -> Int? {
        guard let position = values.firstIndex(where: { !$0.isFinite }) else { return nil }
        // Offsets are sorted, so the owning row is the last offset at or before `position`.
        var low = 0, high = count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= position { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
