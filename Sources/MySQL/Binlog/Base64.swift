/// Standard base64 (RFC 4648, with padding), for binary column values in JSON.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    /// The two characters of every 12-bit value, so a 3-byte group is two lookups.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }
    /// Input bytes encoded per chunk on the stack before one copy into the output.
    private static let chunkBytes = 3 * 512

    /// Appends the base64 text of `bytes` to `output`.
    public static func append(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        output.reserveCapacity(output.count + (bytes.count + 2) / 3 * 4)
        pairs.withUnsafeBufferPointer { pairs in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunkBytes / 3 * 4) { chunk in
                let out = UnsafeMutableRawPointer(chunk.baseAddress!)
                var start = 0
                while start < bytes.count {
                    let end = min(start + chunkBytes, bytes.count)
                    var index = start, written = 0
                    while index + 3 <= end {
                        let group = Int(base.load(fromByteOffset: index, as: UInt8.self)) << 16
                            | Int(base.load(fromByteOffset: index + 1, as: UInt8.self)) << 8 | Int(base.load(fromByteOffset: index + 2, as: UInt8.self))
                        out.storeBytes(of: (UInt32(pairs[group >> 12]) | UInt32(pairs[group & 0xFFF]) << 16).littleEndian, toByteOffset: written, as: UInt32.self)
                        index += 3
                        written += 4
                    }
                    let rest = end - index
                    if rest > 0 {
                        let group = Int(base.load(fromByteOffset: index, as: UInt8.self)) << 16
                            | (rest == 2 ? Int(base.load(fromByteOffset: index + 1, as: UInt8.self)) << 8 : 0)
                        chunk[written] = alphabet[group >> 18 & 63]
                        chunk[written + 1] = alphabet[group >> 12 & 63]
                        chunk[written + 2] = rest == 2 ? alphabet[group >> 6 & 63] : UInt8(ascii: "=")
                        chunk[written + 3] = UInt8(ascii: "=")
                        written += 4
                    }
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<written]))
                    start = end
                }
            }
        }
    }

    /// The base64 text of `bytes`.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> String {
        var output: [UInt8] = []
        append(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }
}
