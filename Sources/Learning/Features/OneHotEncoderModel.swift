/// Encodes categorical columns as one sparse 0/1 vector using the categories a
/// ``OneHotEncoder`` learned.
public struct OneHotEncoderModel: Model {
    public static let stageType = "OneHotEncoderModel"
    public static let declaredParams = OneHotEncoder.declaredParams
    public var params: ParamMap
    /// Categories of each input column, in slot order.
    public let vocabularies: [[String]]
    /// Category → slot within its column's block.
    private let lookup: [[String: Int32]]
    /// First slot of each column's block.
    private let blockStarts: [Int]

    /// Total vector length.
    public var dimension: Int { blockStarts.last ?? 0 }

    init(params: ParamMap, vocabularies: [[String]]) {
        self.params = params
        self.vocabularies = vocabularies
        lookup = vocabularies.map { words in
            Dictionary(words.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        }
        var starts = [0]
        for words in vocabularies { starts.append(starts[starts.count - 1] + words.count) }
        blockStarts = starts
    }

    private func slot(column: Int, value: String, name: String) throws(LearningError) -> Int32? {
        if let position = lookup[column][value] { return Int32(blockStarts[column]) + position }
        if get(OneHotEncoder.handleUnknown) == .error { throw .unknownCategory(column: name, value: value) }
        return nil
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let names = get(OneHotEncoder.inputColumns)
        guard names.count == vocabularies.count else {
            throw .corruptSave(path: Self.stageType, reason: "inputColumns and vocabularies differ in count")
        }
        let columns = try names.map { name throws(LearningError) in try table.categorical(name) }
        var offsets = [Int](), indices = [Int32]()
        offsets.reserveCapacity(table.rowCount + 1)
        indices.reserveCapacity(table.rowCount * names.count)
        offsets.append(0)
        for row in 0 ..< table.rowCount {
            // Blocks are laid out in column order, so indices come out sorted.
            for (column, values) in columns.enumerated() {
                if let index = try slot(column: column, value: values[row], name: names[column]) { indices.append(index) }
            }
            offsets.append(indices.count)
        }
        let values = [Double](repeating: 1, count: indices.count)
        return try table.adding(get(OneHotEncoder.outputColumn),
                                .sparse(SparseVectorColumn(unchecked: dimension, offsets: offsets, indices: indices, values: values)))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        var indices: [Int32] = []
        for (column, name) in get(OneHotEncoder.inputColumns).enumerated() {
            guard case let .category(value) = try row.require(name) else {
                throw .columnTypeMismatch(column: name, expected: "categorical", found: "another kind")
            }
            if let index = try slot(column: column, value: value, name: name) { indices.append(index) }
        }
        var result = row
        result.set(get(OneHotEncoder.outputColumn),
                   .sparse(SparseVector(unchecked: dimension, indices: indices, values: [Double](repeating: 1, count: indices.count))))
        return result
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        for (index, words) in vocabularies.enumerated() { saved.arrays["vocabulary.\(index)"] = .strings(words) }
        saved.metadata["columnCount"] = .number(Double(vocabularies.count))
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        let count = try saved.metadataInt("columnCount")
        var vocabularies: [[String]] = []
        for index in 0 ..< max(count, 0) { vocabularies.append(try saved.strings("vocabulary.\(index)")) }
        self.init(params: ParamMap(), vocabularies: vocabularies)
        try setParams(fromJSON: saved.params)
    }
}
