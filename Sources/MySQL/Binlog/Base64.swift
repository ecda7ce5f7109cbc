/// Standard base64 (RFC 4648, with padding), for binary column values in JSON.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the base64 text of `bytes` to `output`.
    public static func append(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 2 < bytes.count {
            let triple = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(alphabet[Int(triple >> 18 & 63)]); output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(alphabet[Int(triple >> 6 & 63)]); output.append(alphabet[Int(triple & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest > 0 {
            let triple = UInt32(bytes[index]) << 16 | (rest == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
            output.append(alphabet[Int(triple >> 18 & 63)]); output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(rest == 2 ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var output: [UInt8] = []
        append(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
