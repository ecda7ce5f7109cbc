import TagLang

/// Appends a compact binary encoding: zig-zag varints, IEEE doubles, length-prefixed strings.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int(_ value: Int64) {
        var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        while zigzag >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: zigzag) | 0x80)
            zigzag >>= 7
        }
        bytes.append(UInt8(zigzag))
    }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in  // contiguous bytes: one copy, not a walk of the UTF-8 view
            int(Int64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func value(_ value: Value) {
        switch value {
        case .null: bytes.append(0)
        case .bool(let flag): bytes.append(flag ? 2 : 1)
        case .number(let number): bytes.append(3); double(number)
        case .string(let text): bytes.append(4); string(text)
        case .timestamp(let ms): bytes.append(5); int(ms)
        case .duration(let ms): bytes.append(6); int(ms)
        case .list(let items): bytes.append(7); int(Int64(items.count)); items.forEach { self.value($0) }
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
        guard index + 8 <= bytes.count else { throw Corrupt() }
        var bits: UInt64 = 0
        for shift in 0..<8 { bits |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
        index += 8
        return Double(bitPattern: bits)
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
