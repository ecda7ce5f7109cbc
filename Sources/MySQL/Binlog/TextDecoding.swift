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
}
