/// Reads values written by ``StateEncoder``.
public struct StateDecoder: Sendable {
    @usableFromInline let bytes: [UInt8]
    /// Read position in `bytes`.
    public private(set) var position: Int

    /// Creates a decoder over `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// Reads an unsigned varint.
    public mutating func readVarUInt() throws(StateDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw .truncated(at: position) }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw .malformed("varint longer than 10 bytes at \(position)") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a signed (zig-zag) varint.
    public mutating func readVarInt() throws(StateDecodingError) -> Int64 {
        let raw = try readVarUInt()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// Reads one byte.
    public mutating func readByte() throws(StateDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated(at: position) }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads a length-prefixed byte string.
    public mutating func readBytes() throws(StateDecodingError) -> ArraySlice<UInt8> {
        let count = try readCount()
        guard bytes.count - position >= count else { throw .truncated(at: position) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// Reads a collection length, rejecting lengths larger than the remaining input.
    public mutating func readCount() throws(StateDecodingError) -> Int {
        let raw = try readVarUInt()
        // Every element takes at least one byte, so a larger count is corrupt input.
        guard raw <= UInt64(bytes.count - position) else {
            throw .malformed("length \(raw) exceeds remaining \(bytes.count - position) bytes")
        }
        return Int(raw)
    }

    /// Reads a value that knows its own encoding.
    public mutating func decode<T: StateCodable>(_ type: T.Type = T.self) throws(StateDecodingError) -> T {
        try T(from: &self)
    }
}

/// A state snapshot could not be read back.
public enum StateDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The snapshot ended early; it was cut off or is not a snapshot.
    case truncated(at: Int)
    /// The bytes do not form a valid encoding.
    case malformed(String)
    /// The snapshot was written by an incompatible state layout.
    case incompatible(String)

    public var description: String {
        switch self {
        case .truncated(let offset): "state snapshot truncated at byte \(offset); was it written completely?"
        case .malformed(let reason): "state snapshot is malformed: \(reason)"
        case .incompatible(let reason): "state snapshot does not match this job: \(reason)"
        }
    }
}
