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

    static func checkType(precision: Int, scale: Int, offset: Int) throws(BinlogDecodingError) {
        guard precision >= 1, precision <= 65, scale >= 0, scale <= 38, scale <= precision else {
            throw .malformed(offset: offset, detail: "DECIMAL(\(precision),\(scale)) is not a valid decimal type")
        }
    }

    static func decode(_ cursor: inout ByteCursor, precision: Int, scale: Int) throws(BinlogDecodingError) -> String {
        var text: [UInt8] = []
        try append(&cursor, precision: precision, scale: scale, into: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends the value's text (as `decode` returns it) to `output`, with no String in between.
    static func append(_ cursor: inout ByteCursor, precision: Int, scale: Int, into output: inout [UInt8]) throws(BinlogDecodingError) {
        try checkType(precision: precision, scale: scale, offset: cursor.offset)
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
        // At most 65 digits, a sign and a point: built on the stack, copied out once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 80) { text in
            var count = 0
            if negative { text[0] = UInt8(ascii: "-"); count = 1 }
            // Writes `value` as exactly `width` digits at `count`.
            func digits(_ value: UInt32, width: Int) {
                var rest = value
                var index = count + width
                while index > count {
                    index -= 1
                    text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                count += width
            }
            let integerDigits = precision - scale
            let integerStart = count
            let leading = integerDigits % 9
            if leading > 0 { digits(group(bytesForDigits[leading]), width: leading) }
            for _ in 0..<(integerDigits / 9) { digits(group(4), width: 9) }
            if count == integerStart {
                text[count] = UInt8(ascii: "0"); count += 1
            } else {
                // Strip leading zeros of the integer part, keeping one.
                var firstSignificant = integerStart
                while firstSignificant < count - 1 && text[firstSignificant] == UInt8(ascii: "0") { firstSignificant += 1 }
                if firstSignificant > integerStart {
                    for index in firstSignificant..<count { text[integerStart + index - firstSignificant] = text[index] }
                    count -= firstSignificant - integerStart
                }
            }
            if scale > 0 {
                text[count] = UInt8(ascii: "."); count += 1
                for _ in 0..<(scale / 9) { digits(group(4), width: 9) }
                let trailing = scale % 9
                if trailing > 0 { digits(group(bytesForDigits[trailing]), width: trailing) }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<count]))
        }
    }
}
