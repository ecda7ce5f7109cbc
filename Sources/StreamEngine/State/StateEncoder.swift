/// Appends values to a compact little-endian byte encoding used by state snapshots.
///
/// Integers are written as LEB128 varints (zig-zag for signed values), strings and
/// collections are length-prefixed, so a snapshot of millions of small counters stays small.
public struct StateEncoder: Sendable {
    /// The encoded bytes.
    public private(set) var bytes: [UInt8]

    /// Creates an empty encoder.
    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes an unsigned varint.
    public mutating func writeVarUInt(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Writes a signed varint (zig-zag, so small negatives stay small).
    public mutating func writeVarInt(_ value: Int64) {
        writeVarUInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Writes one byte.
    public mutating func writeByte(_ value: UInt8) { bytes.append(value) }

    /// Writes raw bytes prefixed with their length.
    public mutating func writeBytes<C: Collection>(_ value: C) where C.Element == UInt8 {
        writeVarUInt(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Writes a value that knows its own encoding.
    public mutating func encode<T: StateCodable>(_ value: T) { value.encode(to: &self) }
}
