/// The binary layout of `weights.bin`, little-endian throughout:
///
/// ```
/// "PLWB" | u32 version | u32 array count |
///   per array: u16 name length, name UTF-8, u8 kind (1 f64, 2 i32, 3 string), u64 count, payload
///   (strings: u32 byte length + UTF-8 each) |
/// u64 FNV-1a checksum of every preceding byte
/// ```
///
/// The checksum turns a truncated or damaged file into a clear error instead of garbage weights.
enum WeightFile {
    static let magic: [UInt8] = Array("PLWB".utf8)
    static let version: UInt32 = 1

    static func encode(_ arrays: [String: WeightArray]) -> [UInt8] {
        var out = magic
        append(version, to: &out)
        append(UInt32(arrays.count), to: &out)
        for name in arrays.keys.sorted() {
            let nameBytes = Array(name.utf8)
            append(UInt16(nameBytes.count), to: &out)
            out += nameBytes
            switch arrays[name] {
            case let .doubles(values)?:
                out.append(1)
                append(UInt64(values.count), to: &out)
                out.reserveCapacity(out.count + values.count * 8)
                for value in values { append(value.bitPattern, to: &out) }
            case let .int32s(values)?:
                out.append(2)
                append(UInt64(values.count), to: &out)
                for value in values { append(UInt32(bitPattern: value), to: &out) }
            case let .strings(values)?:
                out.append(3)
                append(UInt64(values.count), to: &out)
                for value in values {
                    let bytes = Array(value.utf8)
                    append(UInt32(bytes.count), to: &out)
                    out += bytes
                }
            case nil:
                break
            }
        }
        append(checksum(out[...]), to: &out)
        return out
    }

    static func decode(_ bytes: [UInt8], path: String) throws(LearningError) -> [String: WeightArray] {
        func corrupt(_ reason: String) -> LearningError { .corruptSave(path: path, reason: reason) }
        guard bytes.count >= 20, Array(bytes[0 ..< 4]) == magic else {
            throw corrupt("weights.bin does not start with PLWB")
        }
        var reader = ByteReader(bytes: bytes, end: bytes.count - 8)
        let stored = ByteReader(bytes: bytes, position: bytes.count - 8, end: bytes.count).peekUInt64()
        guard stored == checksum(bytes[0 ..< bytes.count - 8]) else {
            throw corrupt("weights.bin checksum mismatch (file truncated or damaged)")
        }
        reader.position = 4
        guard let fileVersion = reader.uInt32(), fileVersion <= version else {
            throw corrupt("weights.bin version is newer than this build reads")
        }
        guard let count = reader.uInt32() else { throw corrupt("weights.bin header is truncated") }
        var arrays: [String: WeightArray] = [:]
        for _ in 0 ..< count {
            guard let nameLength = reader.uInt16(), let nameBytes = reader.bytes(Int(nameLength)),
                  let kind = reader.bytes(1)?.first, let rawCount = reader.uInt64(),
                  rawCount <= UInt64(bytes.count) else {
                throw corrupt("weights.bin entry header is truncated")
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let elementCount = Int(rawCount)
            switch kind {
            case 1:
                guard reader.remaining >= elementCount * 8 else { throw corrupt("array '\(name)' is truncated") }
                var values = [Double]()
                values.reserveCapacity(elementCount)
                for _ in 0 ..< elementCount { values.append(Double(bitPattern: reader.uInt64() ?? 0)) }
                arrays[name] = .doubles(values)
            case 2:
                guard reader.remaining >= elementCount * 4 else { throw corrupt("array '\(name)' is truncated") }
                var values = [Int32]()
                values.reserveCapacity(elementCount)
                for _ in 0 ..< elementCount { values.append(Int32(bitPattern: reader.uInt32() ?? 0)) }
                arrays[name] = .int32s(values)
            case 3:
                var values = [String]()
                for _ in 0 ..< elementCount {
                    guard let length = reader.uInt32(), let text = reader.bytes(Int(length)) else {
                        throw corrupt("array '\(name)' is truncated")
                    }
                    values.append(String(decoding: text, as: UTF8.self))
                }
                arrays[name] = .strings(values)
            default:
                throw corrupt("array '\(name)' has unknown kind \(kind)")
            }
        }
        return arrays
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// FNV-1a 64-bit.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// A bounds-checked little-endian reader over a byte array.
private struct ByteReader {
    let bytes: [UInt8]
    var position = 0
    let end: Int

    init(bytes: [UInt8], position: Int = 0, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    var remaining: Int { end - position }

    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard let slice = bytes(MemoryLayout<T>.size) else { return nil }
        var value: T = 0
        for (shift, byte) in slice.enumerated() { value |= T(byte) << (8 * shift) }
        return value
    }

    mutating func uInt16() -> UInt16? { integer(UInt16.self) }
    mutating func uInt32() -> UInt32? { integer(UInt32.self) }
    mutating func uInt64() -> UInt64? { integer(UInt64.self) }

    func peekUInt64() -> UInt64? {
        var copy = self
        return copy.uInt64()
    }
}
