/// One input message as the archive keeps it: its offset in its topic-partition, the producer's
/// timestamp, key and value.
public struct ArchivedRecord: Sendable, Equatable {
    public var offset: Int64
    public var timestampMs: Int64?
    public var key: [UInt8]?
    public var value: [UInt8]?

    public init(offset: Int64, timestampMs: Int64?, key: [UInt8]?, value: [UInt8]?) {
        self.offset = offset
        self.timestampMs = timestampMs
        self.key = key
        self.value = value
    }
}

/// The record layout inside a segment's gzip stream, little-endian:
/// offset (8 bytes), timestamp ms (8, -1 for none), key length (4, -1 for nil), key bytes,
/// value length (4, -1 for nil), value bytes.
enum RecordCoding {
    static func append(_ record: ArchivedRecord, to buffer: inout [UInt8]) {
        appendInteger(record.offset, to: &buffer)
        appendInteger(record.timestampMs ?? -1, to: &buffer)
        appendBytes(record.key, to: &buffer)
        appendBytes(record.value, to: &buffer)
    }

    /// Decodes the record starting at `position`, moving past it; `nil` when `bytes` ends first.
    static func decode(_ bytes: [UInt8], at position: inout Int) throws(ArchiveError) -> ArchivedRecord? {
        var cursor = position
        guard let offset = integer(Int64.self, bytes, &cursor), let timestamp = integer(Int64.self, bytes, &cursor) else { return nil }
        guard let key = try field(bytes, &cursor), let value = try field(bytes, &cursor) else { return nil }
        position = cursor
        return ArchivedRecord(offset: offset, timestampMs: timestamp < 0 ? nil : timestamp, key: key, value: value)
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    private static func appendBytes(_ bytes: [UInt8]?, to buffer: inout [UInt8]) {
        guard let bytes else { appendInteger(Int32(-1), to: &buffer); return }
        appendInteger(Int32(bytes.count), to: &buffer)
        buffer.append(contentsOf: bytes)
    }

    private static func integer<T: FixedWidthInteger>(_ type: T.Type, _ bytes: [UInt8], _ cursor: inout Int) -> T? {
        let size = MemoryLayout<T>.size
        guard bytes.count - cursor >= size else { return nil }
        var value: T = 0
        for index in 0..<size { value |= T(truncatingIfNeeded: bytes[cursor + index]) << (8 * index) }
        cursor += size
        return value
    }

    /// A length-prefixed byte string: `.some(nil)` for a nil one, `nil` when `bytes` ends first.
    private static func field(_ bytes: [UInt8], _ cursor: inout Int) throws(ArchiveError) -> [UInt8]?? {
        guard let length = integer(Int32.self, bytes, &cursor) else { return nil }
        if length < 0 { return .some(nil) }
        guard length <= ArchiveLimits.maxField else { throw ArchiveError("a record field claims \(length) bytes: the segment is corrupt") }
        guard bytes.count - cursor >= Int(length) else { return nil }
        defer { cursor += Int(length) }
        return .some(Array(bytes[cursor..<cursor + Int(length)]))
    }
}

enum ArchiveLimits {
    /// Kafka's largest message is far below this; a bigger length means corruption.
    static let maxField: Int32 = 256 << 20
}

public struct ArchiveError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
