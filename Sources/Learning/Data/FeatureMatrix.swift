/// The feature column of a table seen as a matrix, dense or sparse, checked once for
/// non-finite values so the algorithms' hot loops need no checks.
enum FeatureMatrix: Sendable {
    case dense(DenseVectorColumn)
    case sparse(SparseVectorColumn)

    var rowCount: Int {
        switch self {
        case let .dense(column): return column.count
        case let .sparse(column): return column.count
        }
    }

    var dimension: Int {
        switch self {
        case let .dense(column): return column.dimension
        case let .sparse(column): return column.dimension
        }
    }

    /// Reads `name` from `table` as features: numeric columns become one-dimensional vectors.
    static func read(_ table: Table, column name: String, expectedDimension: Int? = nil) throws(LearningError) -> FeatureMatrix {
        let matrix: FeatureMatrix
        switch try table.column(name) {
        case let .vector(column): matrix = .dense(column)
        case let .sparse(column): matrix = .sparse(column)
        case let .numeric(values): matrix = .dense(DenseVectorColumn(unchecked: 1, count: values.count, values: values))
        case .categorical:
            throw .columnTypeMismatch(column: name, expected: "numeric, dense vector or sparse vector",
                                      found: "categorical")
        }
        if let expected = expectedDimension, matrix.dimension != expected {
            throw .dimensionMismatch(column: name, expected: expected, found: matrix.dimension)
        }
        let badRow: Int?
        switch matrix {
        case let .dense(column): badRow = column.firstNonFiniteRow()
        case let .sparse(column): badRow = column.firstNonFiniteRow()
        }
        if let row = badRow { throw .nonFiniteValue(column: name, row: row) }
        return matrix
    }

    /// The rows in CSR form; dense rows list every index, so one sparse loop serves both.
    var compressedRows: SparseVectorColumn {
        switch self {
        case let .sparse(column):
            return column
        case let .dense(column):
            let offsets = (0 ... column.count).map { $0 * column.dimension }
            let indices = (0 ..< column.count * column.dimension).map { Int32($0 % column.dimension) }
            return SparseVectorColumn(unchecked: column.dimension, offsets: offsets, indices: indices, values: column.values)
        }
    }
}
