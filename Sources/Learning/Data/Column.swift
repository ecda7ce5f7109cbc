/// One typed column of a ``Table``.
public enum Column: Sendable, Equatable {
    /// One number per row (features, labels, predictions).
    case numeric([Double])
    /// One dense vector per row.
    case vector(DenseVectorColumn)
    /// One sparse vector per row.
    case sparse(SparseVectorColumn)
    /// One categorical string per row.
    case categorical([String])

    /// Number of rows.
    public var count: Int {
        switch self {
        case let .numeric(values): return values.count
        case let .vector(column): return column.count
        case let .sparse(column): return column.count
        case let .categorical(values): return values.count
        }
    }

    /// The kind's name, for error messages.
    public var kindName: String {
        switch self {
        case .numeric: return "numeric"
        case .vector: return "dense vector"
        case .sparse: return "sparse vector"
        case .categorical: return "categorical"
        }
    }

    /// The value at `row`.
    public func value(at row: Int) -> RowValue {
        switch self {
        case let .numeric(values): return .number(values[row])
        case let .vector(column): return .vector(Array(column[row]))
        case let .sparse(column): return .sparse(column[row])
        case let .categorical(values): return .category(values[row])
        }
    }

    /// Rows `range` as a new column.
    public func slice(_ range: Range<Int>) -> Column {
        switch self {
        case let .numeric(values): return .numeric(Array(values[range]))
        case let .vector(column): return .vector(column.slice(range))
        case let .sparse(column): return .sparse(column.slice(range))
        case let .categorical(values): return .categorical(Array(values[range]))
        }
    }
}
