/// A bounds-checked reader over the bytes of one binlog event. Every read checks the remaining
/// length first, so a truncated or corrupt event becomes `BinlogDecodingError.truncated`, never
/// an out-of-bounds read.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    func need(_ count: Int) throws(BinlogDecodingError) {
        if count < 0 || count > bytes.count - offset { throw .truncated(offset: offset, needed: count, available: bytes.count - offset) }
    }

    @inline(__always)
    mutating func u8() throws(BinlogDecodingError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// An unsigned little-endian integer of `width` (1...8) bytes.
    @inline(__always)
    mutating func le(_ width: Int) throws(BinlogDecodingError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[offset + index]) << (8 * index) }
        offset += width
        return value
    }

    /// An unsigned big-endian integer of `width` (1...8) bytes (temporal and decimal formats).
    @inline(__always)
    mutating func be(_ width: Int) throws(BinlogDecodingError) -> UInt64 {
        try need(width)
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += width
        return value
    }

    /// MySQL's length-encoded integer: one byte below 251, else a 0xFC/0xFD/0xFE prefix.
    mutating func packedInt() throws(BinlogDecodingError) -> UInt64 {
        let first = try u8()
        switch first {
        case 0..<251: return UInt64(first)
        case 0xFC: return try le(2)
        case 0xFD: return try le(3)
        case 0xFE: return try le(8)
        default: throw .malformed(offset: offset - 1, detail: "invalid length-encoded integer prefix \(first)")
        }
    }

    /// A length-encoded integer used as an index or id (a collation, a column number).
    mutating func packedIndex() throws(BinlogDecodingError) -> Int {
        let value = try packedInt()
        guard value <= UInt64(Int32.max) else { throw .malformed(offset: offset, detail: "index \(value) out of range") }
        return Int(value)
    }

    /// A length-encoded integer that must fit the event (a count or a length).
    mutating func packedCount() throws(BinlogDecodingError) -> Int {
        let value = try packedInt()
        guard value <= UInt64(bytes.count) else { throw .malformed(offset: offset, detail: "length \(value) exceeds the event") }
        return Int(value)
    }

    @inline(__always)
    mutating func slice(_ count: Int) throws(BinlogDecodingError) -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func skip(_ count: Int) throws(BinlogDecodingError) {
        try need(count)
        offset += count
    }

    /// `count` bytes as UTF-8 text (names and statements; invalid bytes become U+FFFD).
    mutating func string(_ count: Int) throws(BinlogDecodingError) -> String {
        String(decoding: try slice(count), as: UTF8.self)
    }

    /// A length-encoded count followed by that many bytes of text.
    mutating func packedString() throws(BinlogDecodingError) -> String {
        try string(packedCount())
    }
}
