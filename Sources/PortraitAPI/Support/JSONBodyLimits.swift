/// Shape limits on a JSON body, checked in one linear pass over the bytes before decoding, so
/// a hostile body gets a 400 that names its problem ("nested too deeply") instead of a parse
/// failure, and no decoder recurses deeper than `maxDepth`.
enum JSONBodyLimits {
    /// Nesting levels of arrays and objects. Portrait's own bodies nest at most 4 deep.
    static let maxDepth = 64
    /// Characters in one number: a 40-character number is already past any exact Int64 or Double.
    static let maxNumberLength = 40

    /// The first limit `bytes` crosses, or nil. Bytes inside strings never count.
    static func problem(in bytes: some Collection<UInt8>) -> APIError? {
        var depth = 0
        var inString = false
        var escaped = false
        var numberLength = 0
        var offset = 0
        for byte in bytes {
            defer { offset += 1 }
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            let isNumberByte = (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            if isNumberByte {
                numberLength += 1
                if numberLength > maxNumberLength {
                    return APIError(.badRequest, code: "number_too_long",
                                    "a number in the body is longer than \(maxNumberLength) characters (at byte \(offset - maxNumberLength))")
                }
                continue
            }
            numberLength = 0
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth {
                    return APIError(.badRequest, code: "nested_too_deeply",
                                    "the body is nested too deeply: at most \(maxDepth) levels of arrays and objects (crossed at byte \(offset))")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }
}
