/// Concatenates numeric, dense vector and sparse vector columns into one feature vector:
/// dense when every input is dense, sparse otherwise.
public struct VectorAssembler: Transformer, ParameterOnlyStage {
    public static let stageType = "VectorAssembler"
    /// Columns to concatenate, in order.
    public static let inputColumns = Param<[String]>("inputColumns", default: ["features"], doc: "numeric, dense or sparse vector columns, in order", rule: .nonEmptyDistinctNames)
    /// Column to write. Default: "assembled".
    public static let outputColumn = Param<String>("outputColumn", default: "assembled", doc: "column to write", rule: .nonEmpty)
    public static let declaredParams = [inputColumns.erased, outputColumn.erased]
    public var params = ParamMap()

    /// An assembler with default parameters.
    public init() {}

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let names = get(Self.inputColumns)
        var parts: [Column] = []
        for name in names {
            let column = try table.column(name)
            if case .categorical = column {
                throw .columnTypeMismatch(column: name, expected: "numeric or vector", found: "categorical")
            }
            parts.append(column)
        }
        let widths = parts.map(Self.width)
        let total = widths.reduce(0, +)
        let rows = table.rowCount
        let output: Column
        if parts.allSatisfy({ if case .sparse = $0 { false } else { true } }) {
            var values = [Double](repeating: 0, count: rows * total)
            var start = 0
            for (part, width) in zip(parts, widths) {
                for row in 0 ..< rows {
                    switch part {
                    case let .numeric(numbers): values[row * total + start] = numbers[row]
                    case let .vector(vectors):
                        for element in 0 ..< width { values[row * total + start + element] = vectors.values[row * width + element] }
                    default: break
                    }
                }
                start += width
            }
            output = .vector(DenseVectorColumn(unchecked: max(total, 1), count: rows, values: values))
        } else {
            var out = SparseVectorColumn(dimension: total)
            out.reserveCapacity(rows: rows, entries: rows * parts.count)
            for row in 0 ..< rows {
                var start = 0
                for (part, width) in zip(parts, widths) {
                    switch part {
                    case let .numeric(numbers):
                        if numbers[row] != 0 { out.appendEntry(Int32(start), numbers[row]) }
                    case let .vector(vectors):
                        for element in 0 ..< width where vectors.values[row * width + element] != 0 {
                            out.appendEntry(Int32(start + element), vectors.values[row * width + element])
                        }
                    case let .sparse(vectors):
                        for position in vectors.offsets[row] ..< vectors.offsets[row + 1] {
                            out.appendEntry(Int32(start) + vectors.indices[position], vectors.values[position])
                        }
                    case .categorical: break
                    }
                    start += width
                }
                out.endRow()
            }
            output = .sparse(out)
        }
        return try table.adding(get(Self.outputColumn), output)
    }

    private static func width(_ column: Column) -> Int {
        switch column {
        case .numeric, .categorical: return 1
        case let .vector(vectors): return vectors.dimension
        case let .sparse(vectors): return vectors.dimension
        }
    }
}

extension SparseVectorColumn {
    /// Adds one entry to the row being built; callers add indices in increasing order.
    mutating func appendEntry(_ index: Int32, _ value: Double) {
        indices.append(index)
        values.append(value)
    }

    /// Closes the row being built.
    mutating func endRow() {
        offsets.append(indices.count)
    }
}
