/// A set of column indexes, from a rows event's column-present bitmap.
public struct ColumnSet: Sendable, Equatable {
    private var bits: [UInt64]
    public let count: Int

    public init(count: Int, all: Bool) {
        self.count = count
        bits = Array(repeating: all ? ~0 : 0, count: (count + 63) / 64)
    }

    init(bitmap: UnsafeRawBufferPointer, count: Int) {
        self.init(count: count, all: false)
        for index in 0..<count where bitmap[index >> 3] & (1 << UInt8(index & 7)) != 0 { bits[index >> 6] |= 1 << UInt64(index & 63) }
    }

    public func contains(_ index: Int) -> Bool { index < count && bits[index >> 6] & (1 << UInt64(index & 63)) != 0 }

    /// Number of columns present.
    public var presentCount: Int { (0..<count).reduce(0) { $0 + (contains($1) ? 1 : 0) } }
}
