import Foundation

/// Byte-level helpers for the generator's CSV files: whole-file reads, line splitting and
/// number parsing without creating a `String` per field.
enum CSVBytes {
    /// The file's bytes (memory-mapped when possible).
    static func read(_ path: String) throws(MLDataError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw .unreadable(path: path, reason: String(describing: error))
        }
    }

    /// The header's field names and the offset where data starts.
    static func header(_ bytes: UnsafeRawBufferPointer, path: String) throws(MLDataError) -> (names: [String], dataStart: Int) {
        var end = 0
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        guard end > 0 else { throw .badHeader(path: path, expected: "a header line", found: "") }
        var lineEnd = end
        if bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0 ..< lineEnd]), as: UTF8.self)
        return (text.split(separator: ",", omittingEmptySubsequences: false).map(String.init), min(end + 1, bytes.count))
    }

    /// Powers of ten that are exact doubles, for the fast path of `parseDouble`.
    private static let exactPowers: [Double] = (0 ... 22).map { pow(10, Double($0)) }

    /// Parses the number in `bytes[start..<end]`; `nil` if it is not one.
    ///
    /// Decimal numbers with at most 19 significant digits and no more than 22 fraction digits
    /// (everything gen_ml.py writes) are converted as an exact integer divided by an exact power
    /// of ten, which IEEE division rounds correctly; anything else goes to `strtod`.
    @inline(__always)
    static func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        var position = start
        guard position < end else { return nil }
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        } else if bytes[position] == UInt8(ascii: "+") {
            position += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var sawDigit = false
        while position < end {
            let byte = bytes[position]
            if byte >= 48, byte <= 57 {
                sawDigit = true
                if digits < 19 {
                    mantissa = mantissa * 10 + UInt64(byte - 48)
                    if mantissa > 0 { digits += 1 }
                    if seenPoint { fractionDigits += 1 }
                } else {
                    return slowParse(bytes, start, end)
                }
            } else if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return slowParse(bytes, start, end)
            }
            position += 1
        }
        guard sawDigit else { return nil }
        guard mantissa < (1 << 53), fractionDigits <= 22 else { return slowParse(bytes, start, end) }
        let value = Double(mantissa) / exactPowers[fractionDigits]
        return negative ? -value : value
    }

    private static func slowParse(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        guard end - start < 64 else { return nil }
        var buffer = [CChar](repeating: 0, count: end - start + 1)
        for index in start ..< end { buffer[index - start] = CChar(bitPattern: bytes[index]) }
        return buffer.withUnsafeBufferPointer { pointer -> Double? in
            guard let base = pointer.baseAddress else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: base) == end - start, value.isFinite else { return nil }
            return value
        }
    }
}
