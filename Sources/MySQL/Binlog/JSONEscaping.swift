/// JSON string escaping, shared by the binary JSON decoder and the envelope writers.
public enum JSONEscaping {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Whether any of the eight bytes of `word` is below 0x20, `"` or `\` (exact, no false negatives).
    @inline(__always)
    static func needsEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ 0x2222_2222_2222_2222, backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let below = (word &- ones &* 0x20) & ~word
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        return (below | zeroQuote | zeroBackslash) & highs != 0
    }

    /// Appends UTF-8 `text` with `"`, `\` and control characters escaped (no quotes added).
    /// Runs that need no escaping are found eight bytes at a time and copied whole.
    @inline(__always)
    public static func appendEscaped(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard let base = raw.baseAddress else { return }
        // A typed buffer takes Array's contiguous fast path for the unescaped runs.
        let text = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
        let count = text.count
        var runStart = 0
        var index = 0
        while index < count {
            while index + 8 <= count, !needsEscaping(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { index += 8 }
            let end = min(index + 8, count)
            while index < end {
                let byte = text[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { index += 1; continue }
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
                index += 1
                runStart = index
                appendEscape(of: byte, into: &output)
            }
        }
        if runStart < count { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...])) }
    }

    /// The escape sequence of one byte that needs one.
    @inline(__always)
    static func appendEscape(of byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        default: output.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
        }
    }
}
