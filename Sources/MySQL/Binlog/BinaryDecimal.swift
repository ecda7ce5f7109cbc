/// MySQL's binary DECIMAL format: groups of nine decimal digits in four big-endian bytes,
/// partial groups in fewer bytes, the sign in the inverted top bit and negative values stored
/// as the one's complement of every byte. Decoded exactly, to the text SELECT shows.
enum BinaryDecimal {
    /// Bytes used by a partial group of 0-8 digits.
    private static let bytesForDigits: [Int] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]

    /// The stored size of DECIMAL(precision, scale).
    static func size(precision: Int, scale: Int) -> Int {
        let integer = precision - scale
        return integer / 9 * 4 + bytesForDigits[integer % 9] + scale / 9 * 4 + bytesForDigits[scale % 9]
    }

    static func decode(_ cursor: inout ByteCursor, precision: Int, scale: Int) throws(BinlogDecodingError) -> String {
        guard precision >= 1, precision <= 65, scale >= 0, scale <= 38, scale <= precision else {
            throw .malformed(offset: cursor.offset, detail: "DECIMAL(\(precision),\(scale)) is not a valid decimal type")
        }
        let raw = try cursor.slice(size(precision: precision, scale: scale))
        let negative = raw[0] & 0x80 == 0
        let mask: UInt8 = negative ? 0xFF : 0
        var position = 0
        // Reads `byteCount` big-endian bytes, undoing the sign flip and the complement.
        func group(_ byteCount: Int) -> UInt32 {
            var value: UInt32 = 0
            for index in 0..<byteCount {
                var byte = raw[position + index] ^ mask
                if position + index == 0 { byte ^= 0x80 }
                value = value << 8 | UInt32(byte)
            }
            position += byteCount
            return value
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(precision + 2)
        func append(_ value: UInt32, width: Int) {
            var divisor: UInt32 = 1
            for _ in 1..<max(width, 1) { divisor *= 10 }
            var rest = value
            for _ in 0..<width {
                digits.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        let integerDigits = precision - scale
        let leading = integerDigits % 9
        if leading > 0 { append(group(bytesForDigits[leading]), width: leading) }
        for _ in 0..<(integerDigits / 9) { append(group(4), width: 9) }
        // Strip leading zeros of the integer part, keeping one.
        var firstSignificant = 0
        while firstSignificant < digits.count - 1 && digits[firstSignificant] == UInt8(ascii: "0") { firstSignificant += 1 }
        var text: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        text.reserveCapacity(precision + 3)
        if digits.isEmpty { text.append(UInt8(ascii: "0")) } else { text.append(contentsOf: digits[firstSignificant...]) }
        if scale > 0 {
            digits.removeAll(keepingCapacity: true)
            for _ in 0..<(scale / 9) { append(group(4), width: 9) }
            let trailing = scale % 9
            if trailing > 0 { append(group(bytesForDigits[trailing]), width: trailing) }
            text.append(UInt8(ascii: "."))
            text.append(contentsOf: digits)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
