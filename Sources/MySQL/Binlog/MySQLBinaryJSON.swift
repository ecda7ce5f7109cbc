/// MySQL's binary JSON format (the `JSON` column type of MySQL 5.7+ in row images), decoded
/// to JSON text formatted as MySQL prints it (`{"a": 1, "b": [true, null]}`).
///
/// Layout (MySQL's `json_binary.h`): a type byte, then the value. Objects and arrays come in
/// small (2-byte counts and offsets) and large (4-byte) forms: element count, byte size, key
/// entries (offset + 2-byte length) for objects, value entries (type + offset, or the value
/// itself when it fits), then keys and values. Offsets are relative to the container's start.
/// MariaDB does not use this format: its JSON is text in a blob.
public enum MySQLBinaryJSON {
    /// JSON text of a binary JSON document; an empty document is JSON `null`.
    public static func text(_ bytes: UnsafeRawBufferPointer) throws(BinlogDecodingError) -> String {
        guard !bytes.isEmpty else { return "null" }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        try writeValue(type: bytes[0], bytes, at: 1, depth: 0, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `text` over an array, for tests and callers outside a rows event.
    public static func text(_ bytes: [UInt8]) throws(BinlogDecodingError) -> String {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(BinlogDecodingError) -> String in try text(buffer) }
        }
        return try result.get()
    }

    private static let maximumDepth = 150

    private static func writeValue(type: UInt8, _ bytes: UnsafeRawBufferPointer, at offset: Int, depth: Int, into output: inout [UInt8]) throws(BinlogDecodingError) {
        guard depth <= maximumDepth else { throw .invalidJSON(detail: "nested deeper than \(maximumDepth)") }
        var cursor = ByteCursor(bytes, offset: offset)
        do throws(BinlogDecodingError) {
            switch type {
            case 0x00, 0x01: try writeContainer(object: true, large: type == 0x01, bytes, at: offset, depth: depth, into: &output)
            case 0x02, 0x03: try writeContainer(object: false, large: type == 0x03, bytes, at: offset, depth: depth, into: &output)
            case 0x04:
                switch try cursor.u8() {
                case 0x00: output.append(contentsOf: "null".utf8)
                case 0x01: output.append(contentsOf: "true".utf8)
                case 0x02: output.append(contentsOf: "false".utf8)
                case let literal: throw .invalidJSON(detail: "unknown literal \(literal)")
                }
            case 0x05: output.append(contentsOf: String(Int16(truncatingIfNeeded: try cursor.le(2))).utf8)
            case 0x06: output.append(contentsOf: String(UInt16(truncatingIfNeeded: try cursor.le(2))).utf8)
            case 0x07: output.append(contentsOf: String(Int32(truncatingIfNeeded: try cursor.le(4))).utf8)
            case 0x08: output.append(contentsOf: String(UInt32(truncatingIfNeeded: try cursor.le(4))).utf8)
            case 0x09: output.append(contentsOf: String(Int64(bitPattern: try cursor.le(8))).utf8)
            case 0x0A: output.append(contentsOf: String(try cursor.le(8)).utf8)
            case 0x0B: output.append(contentsOf: formatDouble(Double(bitPattern: try cursor.le(8))).utf8)
            case 0x0C:
                let length = try variableLength(&cursor)
                writeQuoted(try cursor.slice(length), into: &output)
            case 0x0F:
                let fieldType = try cursor.u8()
                let length = try variableLength(&cursor)
                try writeOpaque(fieldType: fieldType, try cursor.slice(length), into: &output)
            default:
                throw .invalidJSON(detail: "unknown value type \(type) at byte \(offset)")
            }
        } catch .truncated {
            throw .invalidJSON(detail: "value of type \(type) at byte \(offset) runs past the document")
        }
    }

    private static func writeContainer(object: Bool, large: Bool, _ bytes: UnsafeRawBufferPointer, at start: Int, depth: Int, into output: inout [UInt8]) throws(BinlogDecodingError) {
        let width = large ? 4 : 2
        var cursor = ByteCursor(bytes, offset: start)
        let count = Int(try cursor.le(width))
        let size = Int(try cursor.le(width))
        guard size <= bytes.count - start else { throw .invalidJSON(detail: "container at byte \(start) claims \(size) bytes, \(bytes.count - start) left") }
        let container = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + size)])
        let keyEntrySize = width + 2
        let valueEntrySize = 1 + width
        let headerSize = 2 * width + (object ? count * keyEntrySize : 0) + count * valueEntrySize
        guard count >= 0, headerSize <= size else { throw .invalidJSON(detail: "container at byte \(start) has \(count) entries but only \(size) bytes") }
        output.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { output.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
            if object {
                var keyEntry = ByteCursor(container, offset: 2 * width + index * keyEntrySize)
                let keyOffset = Int(try keyEntry.le(width))
                let keyLength = Int(try keyEntry.le(2))
                var keyCursor = ByteCursor(container, offset: keyOffset)
                writeQuoted(try keyCursor.slice(keyLength), into: &output)
                output.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            }
            var valueEntry = ByteCursor(container, offset: 2 * width + (object ? count * keyEntrySize : 0) + index * valueEntrySize)
            let valueType = try valueEntry.u8()
            if isInlined(valueType, large: large) {
                // Literals and small integers sit in the entry itself instead of an offset.
                try writeValue(type: valueType, container, at: valueEntry.offset, depth: depth + 1, into: &output)
            } else {
                let valueOffset = Int(try valueEntry.le(width))
                guard valueOffset < size else { throw .invalidJSON(detail: "value offset \(valueOffset) outside its container") }
                try writeValue(type: valueType, container, at: valueOffset, depth: depth + 1, into: &output)
            }
        }
        output.append(object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    private static func isInlined(_ type: UInt8, large: Bool) -> Bool {
        switch type {
        case 0x04, 0x05, 0x06: true
        case 0x07, 0x08: large
        default: false
        }
    }

    /// A length in 7-bit groups, least significant first, high bit = more follows.
    private static func variableLength(_ cursor: inout ByteCursor) throws(BinlogDecodingError) -> Int {
        var length = 0
        for shift in stride(from: 0, to: 35, by: 7) {
            let byte = try cursor.u8()
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return length }
        }
        throw .invalidJSON(detail: "variable-length integer longer than 5 bytes")
    }

    /// Opaque values: MySQL scalars (DECIMAL, temporal) with their field type; others as base64.
    private static func writeOpaque(fieldType: UInt8, _ data: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(BinlogDecodingError) {
        switch BinlogColumnType(rawValue: fieldType) {
        case .newdecimal where data.count >= 2:
            var cursor = ByteCursor(data, offset: 2)
            output.append(contentsOf: try BinaryDecimal.decode(&cursor, precision: Int(data[0]), scale: Int(data[1])).utf8)
        case .date where data.count >= 8, .time where data.count >= 8, .datetime where data.count >= 8,
             .timestamp where data.count >= 8, .datetime2 where data.count >= 8, .time2 where data.count >= 8, .timestamp2 where data.count >= 8:
            var cursor = ByteCursor(data)
            let packed = Int64(bitPattern: try cursor.le(8))
            output.append(UInt8(ascii: "\""))
            output.append(contentsOf: packedTemporal(packed, type: BinlogColumnType(rawValue: fieldType)).utf8)
            output.append(UInt8(ascii: "\""))
        default:
            output.append(contentsOf: "\"base64:type\(fieldType):".utf8)
            output.append(contentsOf: Base64.encode(data).utf8)
            output.append(UInt8(ascii: "\""))
        }
    }

    /// MySQL's in-memory "packed" temporal: (date-and-time bits) << 24 | microseconds.
    private static func packedTemporal(_ packed: Int64, type: BinlogColumnType) -> String {
        let magnitude = Int(packed.magnitude)
        let microseconds = magnitude & 0xFF_FFFF
        let integer = magnitude >> 24
        if type == .time || type == .time2 {
            let time = MySQLTime(negative: packed < 0, hours: (integer >> 12) & 0x3FF, minutes: (integer >> 6) & 63, seconds: integer & 63, microseconds: microseconds)
            return time.description
        }
        let yearMonthDay = integer >> 17, yearMonth = yearMonthDay >> 5, hms = integer & 0x1FFFF
        let date = MySQLDate(year: yearMonth / 13, month: yearMonth % 13, day: yearMonthDay & 31)
        if type == .date { return date.description }
        return MySQLDateTime(date: date, hour: hms >> 12, minute: (hms >> 6) & 63, second: hms & 63, microsecond: microseconds).description
    }

    /// MySQL prints doubles in their shortest round-trip form; integral values without ".0".
    private static func formatDouble(_ value: Double) -> String {
        if value.isFinite && value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func writeQuoted(_ text: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        JSONEscaping.appendEscaped(text, into: &output)
        output.append(UInt8(ascii: "\""))
    }
}
