import TagLang

/// Appends a compact binary encoding: zig-zag varints, IEEE doubles, length-prefixed strings.
///
/// Into a buffer of its own, with one capacity check per item written: appending to an array
/// byte by byte checked its uniqueness and capacity at every byte, and the state blob (one per
/// profile write, ~800 bytes) spent more time there than in the encoding itself.
struct ByteWriter: ~Copyable {
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        buffer = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// The bytes written.
    consuming func finish() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// Room for `bytes` more.
    mutating func reserve(_ bytes: Int) {
        guard count + bytes > capacity else { return }
        var grown = capacity * 2
        while count + bytes > grown { grown *= 2 }
        let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
        larger.copyMemory(from: buffer, byteCount: count)
        buffer.deallocate()
        buffer = larger
        capacity = grown
    }

    mutating func byte(_ value: UInt8) {
        reserve(1)
        buffer.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func int(_ value: Int64) {
        reserve(10)
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            buffer.storeBytes(of: UInt8(truncatingIfNeeded: zigzag) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            zigzag >>= 7
        }
        buffer.storeBytes(of: UInt8(zigzag), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    mutating func double(_ value: Double) {
        fixed64(value.bitPattern)
    }

    /// A whole number (counts, sums of whole amounts) as a varint of twice it; anything else
    /// (fractions, -0, infinities, NaN, beyond 2⁵²) as 1, then its eight bytes.
    mutating func compactDouble(_ value: Double) {
        if value.rounded(.towardZero) == value, abs(value) < 0x1p52, value.bitPattern != (-0.0 as Double).bitPattern {
            int(Int64(value) << 1)
        } else {
            int(1)
            fixed64(value.bitPattern)
        }
    }

    /// ``compactDouble(_:)`` when `compact`, else ``double(_:)``.
    mutating func double(_ value: Double, compact: Bool) {
        if compact { compactDouble(value) } else { double(value) }
    }

    /// Eight bytes, little-endian: for values as wide as their range (bit patterns, hashes).
    mutating func fixed64(_ value: UInt64) {
        reserve(8)
        buffer.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    mutating func string(_ text: String) {
        // Contiguous bytes (native and small strings): one copy, not a walk of the UTF-8 view.
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in append(UnsafeRawBufferPointer(utf8)) }
        if copied == nil {
            var text = text
            text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
        }
    }

    /// A length, then the bytes.
    private mutating func append(_ bytes: UnsafeRawBufferPointer) {
        int(Int64(bytes.count))
        reserve(bytes.count)
        if let base = bytes.baseAddress { (buffer + count).copyMemory(from: base, byteCount: bytes.count) }
        count += bytes.count
    }

    mutating func value(_ value: Value) {
        switch value {
        case .null: byte(0)
        case .bool(let flag): byte(flag ? 2 : 1)
        case .number(let number): byte(3); double(number)
        case .string(let text): byte(4); string(text)
        case .timestamp(let ms): byte(5); int(ms)
        case .duration(let ms): byte(6); int(ms)
        case .list(let items):
            byte(7)
            int(Int64(items.count))
            for item in items { self.value(item) }
        }
    }
}

/// Reads what ``ByteWriter`` wrote; every read checks bounds, so corrupt input is an error, not a crash.
struct ByteReader {
    struct Corrupt: Error {}

    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func byte() throws(Corrupt) -> UInt8 {
        guard index < bytes.count else { throw Corrupt() }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func int() throws(Corrupt) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Corrupt() }
            result |= UInt64(next & 0x7F) << shift
            if next < 0x80 { break }
            shift += 7
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    mutating func count() throws(Corrupt) -> Int {
        let value = try int()
        guard value >= 0, value <= Int64(bytes.count - index) * 8 + 8 else { throw Corrupt() }
        return Int(value)
    }

    mutating func double() throws(Corrupt) -> Double {
        Double(bitPattern: try fixed64())
    }

    mutating func compactDouble() throws(Corrupt) -> Double {
        let tag = try int()
        if tag & 1 == 0 { return Double(tag >> 1) }
        guard tag == 1 else { throw Corrupt() }
        return Double(bitPattern: try fixed64())
    }

    /// ``compactDouble()`` when `compact`, else ``double()``.
    mutating func double(compact: Bool) throws(Corrupt) -> Double {
        compact ? try compactDouble() : try double()
    }

    mutating func fixed64() throws(Corrupt) -> UInt64 {
        guard index + 8 <= bytes.count else { throw Corrupt() }
        var bits: UInt64 = 0
        for shift in 0..<8 { bits |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
        index += 8
        return bits
    }

    mutating func string() throws(Corrupt) -> String {
        let length = try count()
        guard index + length <= bytes.count else { throw Corrupt() }
        defer { index += length }
        return String(decoding: bytes[index..<index + length], as: UTF8.self)
    }

    mutating func value() throws(Corrupt) -> Value {
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .number(try double())
        case 4: return .string(try string())
        case 5: return .timestamp(try int())
        case 6: return .duration(try int())
        case 7:
            var items: [Value] = []
            for _ in 0..<(try count()) { items.append(try value()) }
            return .list(items)
        default: throw Corrupt()
        }
    }
}
