/// A value that can be written into and read back from a state snapshot.
///
/// Keys, namespaces and values of keyed state conform so that a ``StateBackend`` can persist
/// any operator's state as bytes without reflection or `Codable` overhead.
public protocol StateCodable {
    /// Appends the value's encoding.
    func encode(to encoder: inout StateEncoder)
    /// Reads a value written by `encode(to:)`.
    init(from decoder: inout StateDecoder) throws(StateDecodingError)
}

extension Int64: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarInt(self) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) { self = try decoder.readVarInt() }
}

extension Int: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarInt(Int64(self)) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let value = try decoder.readVarInt()
        guard let narrowed = Int(exactly: value) else { throw .malformed("\(value) does not fit Int") }
        self = narrowed
    }
}

extension Int32: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarInt(Int64(self)) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let value = try decoder.readVarInt()
        guard let narrowed = Int32(exactly: value) else { throw .malformed("\(value) does not fit Int32") }
        self = narrowed
    }
}

extension UInt64: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarUInt(self) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) { self = try decoder.readVarUInt() }
}

extension UInt32: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarUInt(UInt64(self)) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let value = try decoder.readVarUInt()
        guard let narrowed = UInt32(exactly: value) else { throw .malformed("\(value) does not fit UInt32") }
        self = narrowed
    }
}

extension UInt8: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeByte(self) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) { self = try decoder.readByte() }
}

extension Bool: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeByte(self ? 1 : 0) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) { self = try decoder.readByte() != 0 }
}

extension Double: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeVarUInt(bitPattern) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        self = Double(bitPattern: try decoder.readVarUInt())
    }
}

extension String: StateCodable {
    public func encode(to encoder: inout StateEncoder) { encoder.writeBytes(utf8) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        self = String(decoding: try decoder.readBytes(), as: UTF8.self)
    }
}

extension Optional: StateCodable where Wrapped: StateCodable {
    public func encode(to encoder: inout StateEncoder) {
        switch self {
        case .none: encoder.writeByte(0)
        case .some(let value):
            encoder.writeByte(1)
            value.encode(to: &encoder)
        }
    }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        self = try decoder.readByte() == 0 ? .none : .some(try Wrapped(from: &decoder))
    }
}

extension Array: StateCodable where Element: StateCodable {
    public func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(count))
        for element in self { element.encode(to: &encoder) }
    }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let count = try decoder.readCount()
        self.init()
        reserveCapacity(count)
        for _ in 0..<count { append(try Element(from: &decoder)) }
    }
}

extension Set: StateCodable where Element: StateCodable {
    public func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(count))
        for element in self { element.encode(to: &encoder) }
    }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let count = try decoder.readCount()
        self.init(minimumCapacity: count)
        for _ in 0..<count { insert(try Element(from: &decoder)) }
    }
}

extension Dictionary: StateCodable where Key: StateCodable, Value: StateCodable {
    public func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(count))
        for (key, value) in self {
            key.encode(to: &encoder)
            value.encode(to: &encoder)
        }
    }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let count = try decoder.readCount()
        self.init(minimumCapacity: count)
        for _ in 0..<count {
            let key = try Key(from: &decoder)
            self[key] = try Value(from: &decoder)
        }
    }
}
