/// Maps numeric and categorical columns into a sparse vector of `2^numFeaturesLog2` slots
/// by signed feature hashing (Weinberger et al. 2009), for high-cardinality categoricals
/// where a vocabulary would be too large or keeps growing.
///
/// A categorical value lands in slot `h & (2^k − 1)` with value ±1, a numeric column in the
/// slot of its name with its value times ±1, and a dense vector's element `i` is treated as a
/// numeric column named `name[i]`. `h` is MurmurHash3 of the value's UTF-8 bytes seeded with
/// the column name's hash, and the sign is `h`'s top bit, so collisions cancel on average
/// instead of biasing weights. Colliding entries are summed.
public struct FeatureHasher: Transformer, ParameterOnlyStage {
    public static let stageType = "FeatureHasher"
    /// Columns to hash (numeric, dense vector or categorical).
    public static let inputColumns = Param<[String]>("inputColumns", default: ["category"], doc: "numeric, dense vector or categorical columns", rule: .nonEmptyDistinctNames)
    /// Sparse vector column to write. Default: "hashedFeatures".
    public static let outputColumn = Param<String>("outputColumn", default: "hashedFeatures", doc: "sparse vector column to write", rule: .nonEmpty)
    /// log2 of the number of slots. Default: 18.
    public static let numFeaturesLog2 = Param<Int>("numFeaturesLog2", default: 18, doc: "log2 of the number of slots", rule: .within(1 ... 30))
    public static let declaredParams = [inputColumns.erased, outputColumn.erased, numFeaturesLog2.erased]
    public var params = ParamMap()

    /// A hasher with default parameters.
    public init() {}

    /// Number of slots.
    public var dimension: Int { 1 << get(Self.numFeaturesLog2) }

    /// The signed slot of `bytes` in a column whose name hashes to `columnSeed`.
    @inline(__always)
    static func signedSlot(_ bytes: UnsafeRawBufferPointer, columnSeed: UInt32, mask: UInt32) -> (Int32, Double) {
        let hash = MurmurHash3.hash32(bytes, seed: columnSeed)
        return (Int32(bitPattern: hash & mask), hash & 0x8000_0000 == 0 ? 1 : -1)
    }

    /// The signed slot of the string `text` in column `column`.
    public func slot(of text: String, inColumn column: String) -> (index: Int, sign: Double) {
        var copy = text
        let mask = UInt32(dimension - 1)
        let (index, sign) = copy.withUTF8 { Self.signedSlot(UnsafeRawBufferPointer($0), columnSeed: MurmurHash3.hash32(column), mask: mask) }
        return (Int(index), sign)
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let names = get(Self.inputColumns)
        let mask = UInt32(dimension - 1)
        let sources = try names.map { name throws(LearningError) in try HashSource(name: name, column: table.column(name), mask: mask) }
        // Every source contributes a fixed number of entries per row, so the entries are filled
        // column by column into a rows × width grid (tight loops, one source at a time) and
        // then each row's slice is sorted and merged into CSR.
        let width = sources.reduce(0) { $0 + $1.width }
        let rows = table.rowCount
        var slots = [Int32](repeating: 0, count: rows * width)
        var weights = [Double](repeating: 0, count: rows * width)
        // Numeric slots are the same in every row, so they are laid out once in slot order and
        // only the categorical entries (placed after them) need sorting per row.
        var fixed: [(slot: Int32, source: Int, element: Int)] = []
        for (index, source) in sources.enumerated() {
            for (element, slot) in source.fixedSlots.enumerated() { fixed.append((slot.0, index, element)) }
        }
        fixed.sort { $0.slot < $1.slot }
        var positions = sources.map { [Int](repeating: 0, count: $0.width) }
        for (position, entry) in fixed.enumerated() { positions[entry.source][entry.element] = position }
        var next = fixed.count
        for (index, source) in sources.enumerated() where source.fixedSlots.isEmpty {
            positions[index][0] = next
            next += 1
        }
        for (index, source) in sources.enumerated() {
            try source.fill(slots: &slots, weights: &weights, rowWidth: width, positions: positions[index])
        }
        // Each row's slice is sorted and merged in place; merging only shrinks rows, so the
        // write position never passes the read position and the grid becomes the CSR arrays.
        var offsets = [Int](repeating: 0, count: rows + 1)
        var written = 0
        slots.withUnsafeMutableBufferPointer { slotBuffer in
            weights.withUnsafeMutableBufferPointer { weightBuffer in
                for row in 0 ..< rows {
                    written = Self.sortAndMerge(slots: slotBuffer, weights: weightBuffer, range: row * width ..< (row + 1) * width, writeAt: written)
                    offsets[row + 1] = written
                }
            }
        }
        slots.removeLast(slots.count - written)
        weights.removeLast(weights.count - written)
        let out = SparseVectorColumn(unchecked: dimension, offsets: offsets, indices: slots, values: weights)
        return try table.adding(get(Self.outputColumn), .sparse(out))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        // One row through the table path keeps a single definition of the hashing.
        let one = try transform(Table(row: row))
        var result = row
        result.set(get(Self.outputColumn), one.columns[one.columns.count - 1].value(at: 0))
        return result
    }
}

/// One input column of a ``FeatureHasher`` with its name hashes precomputed.
private struct HashSource {
    let name: String
    let column: Column
    let seed: UInt32
    let mask: UInt32
    /// Slot and sign per element for numeric and vector columns (the slot depends only on the name).
    let fixedSlots: [(Int32, Double)]

    init(name: String, column: Column, mask: UInt32) throws(LearningError) {
        self.name = name
        self.column = column
        self.mask = mask
        seed = MurmurHash3.hash32(name)
        switch column {
        case .numeric:
            fixedSlots = [Self.nameSlot(name, mask: mask)]
        case let .vector(vectors):
            fixedSlots = (0 ..< vectors.dimension).map { Self.nameSlot("\(name)[\($0)]", mask: mask) }
        case .categorical:
            fixedSlots = []
        case .sparse:
            throw .columnTypeMismatch(column: name, expected: "numeric, dense vector or categorical", found: "sparse vector")
        }
    }

    /// Entries this column adds to every row.
    var width: Int { max(fixedSlots.count, 1) }

    static func nameSlot(_ name: String, mask: UInt32) -> (Int32, Double) {
        var copy = name
        return copy.withUTF8 { FeatureHasher.signedSlot(UnsafeRawBufferPointer($0), columnSeed: 0, mask: mask) }
    }

    /// Writes this column's entries of every row into each row's slice of the grid, element
    /// `e` at offset `positions[e]`.
    func fill(slots: inout [Int32], weights: inout [Double], rowWidth: Int, positions: [Int]) throws(LearningError) {
        let fixedIndices = fixedSlots.map(\.0), fixedSigns = fixedSlots.map(\.1)
        let name = name, seed = seed, mask = mask, column = column
        let badRow: Int? = slots.withUnsafeMutableBufferPointer { slotBuffer in
            weights.withUnsafeMutableBufferPointer { weightBuffer -> Int? in
                switch column {
                case let .numeric(values):
                    let offset = positions[0]
                    for row in 0 ..< values.count {
                        guard values[row].isFinite else { return row }
                        slotBuffer[row * rowWidth + offset] = fixedIndices[0]
                        weightBuffer[row * rowWidth + offset] = fixedSigns[0] * values[row]
                    }
                case let .vector(vectors):
                    let dimension = vectors.dimension
                    return vectors.values.withUnsafeBufferPointer { values -> Int? in
                        for row in 0 ..< vectors.count {
                            let base = row * rowWidth
                            for element in 0 ..< dimension {
                                let value = values[row * dimension + element]
                                guard value.isFinite else { return row }
                                slotBuffer[base + positions[element]] = fixedIndices[element]
                                weightBuffer[base + positions[element]] = fixedSigns[element] * value
                            }
                        }
                        return nil
                    }
                case let .categorical(values):
                    let offset = positions[0]
                    for row in 0 ..< values.count {
                        let slot = values[row].utf8.withContiguousStorageIfAvailable {
                            FeatureHasher.signedSlot(UnsafeRawBufferPointer($0), columnSeed: seed, mask: mask)
                        } ?? Self.slowSlot(values[row], seed: seed, mask: mask)
                        slotBuffer[row * rowWidth + offset] = slot.0
                        weightBuffer[row * rowWidth + offset] = slot.1
                    }
                case .sparse:
                    break
                }
                return nil
            }
        }
        if let badRow { throw .nonFiniteValue(column: name, row: badRow) }
    }

    /// For strings without contiguous UTF-8 (bridged strings), hash a copy.
    private static func slowSlot(_ text: String, seed: UInt32, mask: UInt32) -> (Int32, Double) {
        var copy = text
        return copy.withUTF8 { FeatureHasher.signedSlot(UnsafeRawBufferPointer($0), columnSeed: seed, mask: mask) }
    }
}

extension FeatureHasher {
    /// Sorts the entries `range` by slot (insertion sort: rows are short and mostly sorted),
    /// sums entries that share a slot, writes the result from `writeAt` on, and returns the
    /// position after the last entry written. Requires `writeAt <= range.lowerBound`.
    @inline(__always)
    static func sortAndMerge(slots: UnsafeMutableBufferPointer<Int32>, weights: UnsafeMutableBufferPointer<Double>,
                             range: Range<Int>, writeAt: Int) -> Int {
        var i = range.lowerBound + 1
        while i < range.upperBound {
            let slot = slots[i], weight = weights[i]
            var j = i - 1
            while j >= range.lowerBound, slots[j] > slot {
                slots[j + 1] = slots[j]
                weights[j + 1] = weights[j]
                j -= 1
            }
            slots[j + 1] = slot
            weights[j + 1] = weight
            i += 1
        }
        var write = writeAt
        var last: Int32 = -1
        for position in range {
            if slots[position] == last {
                weights[write - 1] += weights[position]
            } else {
                slots[write] = slots[position]
                weights[write] = weights[position]
                last = slots[position]
                write += 1
            }
        }
        return write
    }
}
