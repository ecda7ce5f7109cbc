/// A bounded, columnar, typed table: the input of ``Estimator/fit(_:)`` and
/// ``Transformer/transform(_:)-(Table)``.
///
/// Columns are named and typed (``Column``); all have the same number of rows. Tables are
/// values: stages return new tables with their output columns added, and the column arrays
/// are shared copy-on-write, so adding a column does not copy the others.
public struct Table: Sendable, Equatable {
    /// Column names, in order.
    public private(set) var columnNames: [String]
    /// Columns, parallel to `columnNames`.
    public private(set) var columns: [Column]
    /// Number of rows.
    public private(set) var rowCount: Int

    /// A table with no columns and no rows.
    public init() {
        columnNames = []
        columns = []
        rowCount = 0
    }

    /// A table from ordered `(name, column)` pairs; throws on repeated names or unequal lengths.
    public init(_ pairs: [(String, Column)]) throws(LearningError) {
        columnNames = []
        columns = []
        rowCount = pairs.first?.1.count ?? 0
        for (name, column) in pairs {
            try add(name, column)
        }
    }

    /// A one-row table, for applying table-based stages to a single record.
    public init(row: Row) throws(LearningError) {
        var pairs: [(String, Column)] = []
        for (name, value) in zip(row.names, row.values) {
            switch value {
            case let .number(number):
                pairs.append((name, .numeric([number])))
            case let .vector(vector):
                guard !vector.isEmpty else {
                    throw .dimensionMismatch(column: name, expected: 1, found: 0)
                }
                pairs.append((name, .vector(DenseVectorColumn(unchecked: vector.count, count: 1, values: vector))))
            case let .sparse(vector):
                pairs.append((name, .sparse(SparseVectorColumn(unchecked: vector.dimension, offsets: [0, vector.indices.count],
                                                               indices: vector.indices, values: vector.values))))
            case let .category(text):
                pairs.append((name, .categorical([text])))
            }
        }
        try self.init(pairs)
    }

    /// Adds a column; throws ``LearningError/duplicateColumn(name:)`` if the name is taken.
    public mutating func add(_ name: String, _ column: Column) throws(LearningError) {
        guard !columnNames.contains(name) else { throw .duplicateColumn(name: name) }
        if columns.isEmpty {
            rowCount = column.count
        } else if column.count != rowCount {
            throw .columnLengthMismatch(column: name, expected: rowCount, found: column.count)
        }
        columnNames.append(name)
        columns.append(column)
    }

    /// A copy with `column` added.
    public func adding(_ name: String, _ column: Column) throws(LearningError) -> Table {
        var copy = self
        try copy.add(name, column)
        return copy
    }

    /// The column named `name`, or ``LearningError/missingColumn(name:available:)``.
    public func column(_ name: String) throws(LearningError) -> Column {
        guard let index = columnNames.firstIndex(of: name) else {
            throw .missingColumn(name: name, available: columnNames)
        }
        return columns[index]
    }

    /// The numeric column `name`, or a typed error.
    public func numeric(_ name: String) throws(LearningError) -> [Double] {
        let found = try column(name)
        guard case let .numeric(values) = found else {
            throw .columnTypeMismatch(column: name, expected: "numeric", found: found.kindName)
        }
        return values
    }

    /// The dense vector column `name`, or a typed error.
    public func vector(_ name: String) throws(LearningError) -> DenseVectorColumn {
        let found = try column(name)
        guard case let .vector(values) = found else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: found.kindName)
        }
        return values
    }

    /// The categorical column `name`, or a typed error.
    public func categorical(_ name: String) throws(LearningError) -> [String] {
        let found = try column(name)
        guard case let .categorical(values) = found else {
            throw .columnTypeMismatch(column: name, expected: "categorical", found: found.kindName)
        }
        return values
    }

    /// The row at `index` as a ``Row``.
    public func row(at index: Int) -> Row {
        Row(zip(columnNames, columns).map { ($0, $1.value(at: index)) })
    }

    /// Rows `range` as a new table (for mini-batches).
    public func slice(_ range: Range<Int>) -> Table {
        var copy = self
        copy.columns = columns.map { $0.slice(range) }
        copy.rowCount = range.count
        return copy
    }
}
