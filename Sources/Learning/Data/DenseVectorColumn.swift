/// A column of dense vectors of one dimension, stored row-major in one contiguous array so
/// hot loops can walk it with a single buffer pointer.
public struct DenseVectorColumn: Sendable, Equatable {
    /// Length of every vector.
    public let dimension: Int
    /// Number of vectors.
    public let count: Int
    /// `count × dimension` values, row after row.
    public private(set) var values: [Double]

    /// Wraps row-major `values`; throws when the count is not a multiple of `dimension`.
    public init(dimension: Int, values: [Double]) throws(LearningError) {
        guard dimension > 0 else {
            throw .invalidParameter(name: "dimension", value: String(dimension), reason: "must be at least 1")
        }
        guard values.count % dimension == 0 else {
            throw .dimensionMismatch(column: "<vector>", expected: dimension, found: values.count % dimension)
        }
        self.dimension = dimension
        self.count = values.count / dimension
        self.values = values
    }

    /// Builds a column from separate vectors; throws when their lengths differ.
    public init(rows: [[Double]]) throws(LearningError) {
        guard let first = rows.first else {
            throw .emptyTable(operation: "DenseVectorColumn(rows:)")
        }
        var flat: [Double] = []
        flat.reserveCapacity(rows.count * first.count)
        for row in rows {
            guard row.count == first.count else {
                throw .dimensionMismatch(column: "<vector>", expected: first.count, found: row.count)
            }
            flat.append(contentsOf: row)
        }
        try self.init(dimension: first.count, values: flat)
    }

    /// The vector at `row`.
    public subscript(row: Int) -> ArraySlice<Double> {
        values[row * dimension ..< (row + 1) * dimension]
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> DenseVectorColumn {
        // Safe by construction: a whole number of rows of the same dimension.
        DenseVectorColumn(unchecked: dimension, count: range.count,
                          values: Array(values[range.lowerBound * dimension ..< range.upperBound * dimension]))
    }

    /// The first row with a NaN or infinite value, if any.
    func firstNonFiniteRow() -> Int? {
        values.withUnsafeBufferPointer { buffer in
            for index in 0 ..< buffer.count where !buffer[index].isFinite {
                return index / dimension
            }
            return nil
        }
    }

    init(unchecked dimension: Int, count: Int, values: [Double]) {
        self.dimension = dimension
        self.count = count
        self.values = values
    }
}
