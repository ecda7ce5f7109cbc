/// Writes a row image from its binlog bytes straight to JSON bytes, with no `MySQLValue` or
/// `String` in between: the envelope's hot path. The text is byte for byte what writing the
/// decoded values gives (`RowImageJSONTests` check every type against that path):
///
/// - numbers as JSON numbers (FLOAT widened to Double as the decoder does; NaN/∞ as `null`);
/// - DECIMAL and temporal values as strings of the text `MySQLValue.description` prints;
/// - binary strings, BLOBs and BIT as base64 strings (BINARY(n) padded back to n);
/// - text escaped as JSON strings: UTF-8 validated once (ASCII eight bytes at a time) and
///   copied; text that is not valid UTF-8 is repaired as `String(decoding:)` does (U+FFFD per
///   invalid sequence), as before; latin1 (Windows-1252) mapped per byte; UCS-2/UTF-16/UTF-32
///   through `String`.
public enum RowImageJSON {
    /// Where the last image's values went: each column's JSON value in the output, and the
    /// offset of its bytes in the event (for decoding a key column), `-1` when NULL or absent.
    public struct Layout {
        public internal(set) var valueStarts: [Int] = []
        public internal(set) var valueEnds: [Int] = []
        public internal(set) var columnOffsets: [Int] = []
        public init() {}
    }

    /// Column names encoded once as `"name":`, in one buffer, so writing a key costs one copy
    /// and no reference counting.
    public struct Keys: Sendable {
        let bytes: [UInt8]
        /// Where key i ends in `bytes` (it starts where key i-1 ends).
        let ends: [Int]
        public var count: Int { ends.count }

        public init(_ keys: [[UInt8]]) {
            bytes = keys.flatMap { $0 }
            var end = 0
            ends = keys.map { end += $0.count; return end }
        }

        /// Key `index`'s bytes (for building other objects from the same keys).
        public func withKey<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
            bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(index == 0 ? 0 : ends[index - 1])..<ends[index]])) }
        }
    }

    /// Appends the image as a JSON object `{<key 0><value 0>,<key 1><value 1>,…}`; `keys`
    /// must cover `image.columnCount`.
    public static func append(_ image: RowImage, keys: Keys, into output: inout [UInt8], layout: inout Layout) throws(BinlogDecodingError) {
        let count = image.columnCount
        precondition(keys.count >= count, "a key per column")
        if layout.valueStarts.count != count {
            layout.valueStarts = Array(repeating: 0, count: count)
            layout.valueEnds = Array(repeating: 0, count: count)
            layout.columnOffsets = Array(repeating: -1, count: count)
        }
        let images = image.images
        let columns = image.columns
        // One borrow of every buffer per image: the per-column loop retains nothing.
        try images.body.withUnsafeBytes { body in
            images.table.layouts.withUnsafeBufferPointer { layouts in
                keys.bytes.withUnsafeBufferPointer { keyBytes in
                    keys.ends.withUnsafeBufferPointer { keyEnds in
                        layout.valueStarts.withUnsafeMutableBufferPointer { starts in
                            layout.valueEnds.withUnsafeMutableBufferPointer { ends in
                                layout.columnOffsets.withUnsafeMutableBufferPointer { offsets in
                                    Result { () throws(BinlogDecodingError) in
                                        var cursor = ByteCursor(body, offset: image.start)
                                        var presentCount = 0
                                        for index in 0..<count where columns.contains(index) { presentCount += 1 }
                                        let nulls = try cursor.slice((presentCount + 7) / 8)
                                        output.append(UInt8(ascii: "{"))
                                        var present = 0
                                        var keyStart = 0
                                        for index in 0..<count {
                                            if index > 0 { output.append(UInt8(ascii: ",")) }
                                            output.append(contentsOf: UnsafeBufferPointer(rebasing: keyBytes[keyStart..<keyEnds[index]]))
                                            keyStart = keyEnds[index]
                                            starts[index] = output.count
                                            var isNull = true
                                            if columns.contains(index) {
                                                isNull = nulls[present >> 3] & (1 << UInt8(present & 7)) != 0
                                                present += 1
                                            }
                                            if isNull {
                                                offsets[index] = -1
                                                appendLiteral("null", into: &output)
                                            } else {
                                                offsets[index] = cursor.offset
                                                try appendValue(&cursor, layout: layouts[index], column: index, table: images.table, into: &output)
                                            }
                                            ends[index] = output.count
                                        }
                                        output.append(UInt8(ascii: "}"))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }.get()
    }

    @inline(__always)
    static func appendLiteral(_ text: StaticString, into output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    static func appendValue(_ cursor: inout ByteCursor, layout: ColumnLayout, column: Int, table: TableMap, into output: inout [UInt8]) throws(BinlogDecodingError) {
        switch layout {
        case .integer(let width, let unsigned):
            let raw = try cursor.le(width)
            if unsigned { TextFormatting.appendDigits(raw, into: &output); return }
            let shift = UInt64(64 - 8 * width)
            let value = Int64(bitPattern: raw << shift) >> Int64(shift)  // sign-extend
            if value < 0 { output.append(UInt8(ascii: "-")) }
            TextFormatting.appendDigits(value.magnitude, into: &output)
        case .float:
            appendDouble(Double(Float(bitPattern: UInt32(try cursor.le(4)))), into: &output)
        case .double:
            appendDouble(Double(bitPattern: try cursor.le(8)), into: &output)
        case .year:
            let raw = UInt64(try cursor.u8())
            TextFormatting.appendDigits(raw == 0 ? 0 : 1900 + raw, into: &output)
        case .decimal(let precision, let scale):
            output.append(UInt8(ascii: "\""))
            try BinaryDecimal.append(&cursor, precision: precision, scale: scale, into: &output)
            output.append(UInt8(ascii: "\""))
        case .date, .time, .datetime, .timestamp, .time2, .datetime2, .timestamp2:
            // Decoded to its (trivial, unreferenced) struct, formatted straight into the output.
            switch try RowImageDecoder.decodeValue(&cursor, layout: layout, column: column, table: table) {
            case .date(let date): TextFormatting.appendQuoted(date, into: &output)
            case .time(let time): TextFormatting.appendQuoted(time, into: &output)
            case .datetime(let datetime): TextFormatting.appendQuoted(datetime, into: &output)
            default: preconditionFailure("temporal layouts decode to temporal values")
            }
        case .bit(let byteCount):
            appendBase64(try cursor.slice(byteCount), padTo: 0, into: &output)
        case .string(let lengthBytes, let encoding, let padBinaryTo):
            let bytes = try cursor.slice(Int(try cursor.le(lengthBytes)))
            if encoding == .binary { appendBase64(bytes, padTo: padBinaryTo, into: &output) } else { appendText(bytes, encoding: encoding, into: &output) }
        case .blob(let lengthBytes, let encoding):
            let bytes = try cursor.slice(Int(try cursor.le(lengthBytes)))
            if encoding == .binary { appendBase64(bytes, padTo: 0, into: &output) } else { appendText(bytes, encoding: encoding, into: &output) }
        case .json(let lengthBytes):
            let text = try MySQLBinaryJSON.text(try cursor.slice(Int(try cursor.le(lengthBytes))))
            appendQuoted(text, into: &output)
        case .enumeration(let width, let values):
            let index = Int(try cursor.le(width))
            if index == 0 {
                appendLiteral("\"\"", into: &output)  // the error value '' of an invalid ENUM
            } else if index <= values.count {
                appendQuoted(values[index - 1], into: &output)
            } else {
                output.append(UInt8(ascii: "\""))
                TextFormatting.appendDigits(UInt64(index), into: &output)
                output.append(UInt8(ascii: "\""))
            }
        case .set(let width, let values):
            let bits = try cursor.le(width)
            output.append(UInt8(ascii: "\""))
            if values.isEmpty {
                TextFormatting.appendDigits(bits, into: &output)
            } else {
                var first = true
                for (position, name) in values.enumerated() where position < 64 && bits & (1 << UInt64(position)) != 0 {
                    if !first { output.append(UInt8(ascii: ",")) }
                    first = false
                    var name = name
                    name.withUTF8 { JSONEscaping.appendEscaped(UnsafeRawBufferPointer($0), into: &output) }
                }
            }
            output.append(UInt8(ascii: "\""))
        case .unsupported(let type):
            throw .unsupportedColumnType(type: type, column: column, table: table.qualifiedName)
        }
    }

    /// As `Double.description`, `null` when not finite (JSON has no NaN or infinity).
    @inline(__always)
    static func appendDouble(_ value: Double, into output: inout [UInt8]) {
        if value.isFinite { output.append(contentsOf: value.description.utf8) } else { appendLiteral("null", into: &output) }
    }

    static func appendBase64(_ bytes: UnsafeRawBufferPointer, padTo length: Int, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if bytes.count >= length {
            Base64.append(bytes, into: &output)
        } else {
            // BINARY(n) is logged without its trailing zero padding; SELECT returns it padded.
            var padded = Array(bytes)
            padded.append(contentsOf: repeatElement(0, count: length - padded.count))
            padded.withUnsafeBytes { Base64.append($0, into: &output) }
        }
        output.append(UInt8(ascii: "\""))
    }

    static func appendQuoted(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { JSONEscaping.appendEscaped(UnsafeRawBufferPointer($0), into: &output) }
        output.append(UInt8(ascii: "\""))
    }

    /// A character column's bytes as a JSON string, by the column's encoding.
    static func appendText(_ bytes: UnsafeRawBufferPointer, encoding: BinlogCollations.Encoding, into output: inout [UInt8]) {
        switch encoding {
        case .utf8, .ascii, .binary:
            if UTF8Validation.isValid(bytes) {
                output.append(UInt8(ascii: "\""))
                JSONEscaping.appendEscaped(bytes, into: &output)
                output.append(UInt8(ascii: "\""))
            } else {
                appendQuoted(TextDecoding.string(bytes, encoding: encoding), into: &output)
            }
        case .latin1:
            output.append(UInt8(ascii: "\""))
            TextDecoding.appendLatin1Escaped(bytes, into: &output)
            output.append(UInt8(ascii: "\""))
        case .utf16BigEndian, .utf16LittleEndian, .utf32BigEndian:
            appendQuoted(TextDecoding.string(bytes, encoding: encoding), into: &output)
        }
    }
}
