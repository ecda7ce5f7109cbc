/// JSON string escaping, shared by the binary JSON decoder and the envelope writer.
public enum JSONEscaping {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends UTF-8 `text` with `"`, `\` and control characters escaped (no quotes added).
    @inline(__always)
    public static func appendEscaped(_ raw: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard let base = raw.baseAddress else { return }
        // A typed buffer takes Array's contiguous fast path for the unescaped runs.
        let text = UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
        var runStart = 0
        for index in 0..<text.count {
            let byte = text[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index])) }
            runStart = index + 1
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
        if runStart < text.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...])) }
    }
}
