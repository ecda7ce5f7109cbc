/// Converts the bytes of a character column to a Swift string by the column's encoding.
enum TextDecoding {
    /// MySQL's `latin1` is Windows-1252: 0x80-0x9F map to these code points (0 = unassigned,
    /// kept as the C1 control of the same value).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func string(_ bytes: UnsafeRawBufferPointer, encoding: BinlogCollations.Encoding) -> String {
        switch encoding {
        case .utf8, .ascii, .binary:
            return String(decoding: bytes, as: UTF8.self)
        case .latin1:
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                var code = UInt32(byte)
                if (0x80...0x9F).contains(byte), windows1252High[Int(byte - 0x80)] != 0 { code = windows1252High[Int(byte - 0x80)] }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            }
            return String(scalars)
        case .utf16BigEndian, .utf16LittleEndian:
            let bigEndian = encoding == .utf16BigEndian
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2)
            var index = 0
            while index + 1 < bytes.count {
                let high = UInt16(bytes[index]), low = UInt16(bytes[index + 1])
                units.append(bigEndian ? high << 8 | low : low << 8 | high)
                index += 2
            }
            return String(decoding: units, as: UTF16.self)
        case .utf32BigEndian:
            var scalars = String.UnicodeScalarView()
            var index = 0
            while index + 3 < bytes.count {
                let code = UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                index += 4
            }
            return String(scalars)
        }
    }

    /// The UTF-8 of every latin1 byte, three bytes each (unused bytes zero), with its length.
    private static let latin1UTF8: [(UInt8, UInt8, UInt8, count: Int)] = (0...255).map { byte in
        var code = UInt32(byte)
        if (0x80...0x9F).contains(byte), windows1252High[byte - 0x80] != 0 { code = windows1252High[byte - 0x80] }
        let utf8 = Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
        return (utf8[0], utf8.count > 1 ? utf8[1] : 0, utf8.count > 2 ? utf8[2] : 0, utf8.count)
    }

    /// Appends latin1 `bytes` as JSON-escaped UTF-8, the bytes `string(_:encoding: .latin1)`
    /// escaped would give: ASCII runs copied whole, the other bytes mapped through a table.
    static func appendLatin1Escaped(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let text = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte >= 0x80 || byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
            runStart = index + 1
            if byte < 0x80 { JSONEscaping.appendEscape(of: byte, into: &output); continue }
            let utf8 = latin1UTF8[Int(byte)]
            output.append(utf8.0)
            output.append(utf8.1)
            if utf8.count == 3 { output.append(utf8.2) }
        }
        if runStart < text.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...])) }
    }
}
