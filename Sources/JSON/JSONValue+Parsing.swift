/// Parsing JSON text straight from bytes, for the inputs that arrive by the million (behaviour
/// events, CDC envelopes): no Foundation objects, no boxing, one pass.
///
/// The parser takes the common shape of such documents — objects, arrays, strings with the
/// simple escapes, numbers, `true`, `false`, `null` — and returns `nil` for everything else
/// (`\u` escapes, integers beyond Int64, duplicate keys, nesting deeper than 32, and anything
/// malformed). Callers then take Foundation's parser (``init(jsonBytes:)``), which also decides
/// what is invalid: this path never accepts a document Foundation refuses.
extension JSONValue {
    /// The document in `bytes`, when it is of the shape the byte parser takes; `nil` otherwise.
    public static func parseCommon(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var parser = BytesParser(bytes: bytes)
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.index == bytes.count ? value : nil
    }

    /// The members of the object in `bytes` in name order, when it is an object of the shape
    /// ``parseCommon(_:)`` takes (so no name twice); `nil` otherwise. For documents read field
    /// by field, such as an event: no hash table is built for six fields.
    public static func sortedMembers(_ bytes: UnsafeBufferPointer<UInt8>) -> [(name: String, value: JSONValue)]? {
        var parser = BytesParser(bytes: bytes)
        var members: [(name: String, value: JSONValue)] = []
        parser.skipSpace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{"),
              parser.eachMember(depth: 1, { members.append(($0, $1)); return true }) else { return nil }
        parser.skipSpace()
        guard parser.index == bytes.count else { return nil }
        members.sort { $0.name < $1.name }
        for index in members.indices.dropFirst() where members[index].name == members[index - 1].name { return nil }  // as ``parseCommon(_:)``
        return members
    }
}

private struct BytesParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    static let maxDepth = 32

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func value(depth: Int) -> JSONValue? {
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return depth < Self.maxDepth ? object(depth: depth + 1) : nil
        case UInt8(ascii: "["): return depth < Self.maxDepth ? array(depth: depth + 1) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> JSONValue? {
        var members: [String: JSONValue] = [:]
        // A name twice: Foundation decides.
        guard eachMember(depth: depth, { members.updateValue($1, forKey: $0) == nil }) else { return nil }
        return .object(members)
    }

    /// Reads the object starting at `index` (at its `{`), handing each member to `add` in
    /// order; false when the object is malformed or `add` refused a member.
    mutating func eachMember(depth: Int, _ add: (String, JSONValue) -> Bool) -> Bool {
        index += 1  // {
        skipSpace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let key = string() else { return false }
            skipSpace()
            guard take(UInt8(ascii: ":")), let member = value(depth: depth), add(key, member) else { return false }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        index += 1  // [
        var items: [JSONValue] = []
        skipSpace()
        if take(UInt8(ascii: "]")) { return .array(items) }
        while true {
            guard let item = value(depth: depth) else { return nil }
            items.append(item)
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? .array(items) : nil
        }
    }

    /// A string without escapes other than \" \\ \/ \n \t \r \b \f (no \u: Foundation's path).
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var plain = true
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                // ASCII is valid UTF-8: no validation, which for a generic call like
                // `String(validating:as:)` also looked up type metadata on every string.
                if plain, ascii { return String(decoding: raw, as: UTF8.self) }
                return plain ? String(validating: raw, as: UTF8.self) : Self.unescape(raw)
            }
            if byte >= 0x80 { ascii = false }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 1
                guard index < bytes.count, Self.escaped(bytes[index]) != nil else { return nil }
            }
            index += 1
        }
        return nil
    }

    private static func escaped(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        default: nil
        }
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var position = 0
        while position < raw.count {
            if raw[position] == UInt8(ascii: "\\") {
                position += 1
                guard let replacement = escaped(raw[position]) else { return nil }
                out.append(replacement)
            } else {
                out.append(raw[position])
            }
            position += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    /// RFC 8259 number syntax: integers that fit Int64 become `.integer`, the rest finite doubles.
    private mutating func number() -> JSONValue? {
        let start = index
        let negative = take(UInt8(ascii: "-"))
        guard let first = peekDigit() else { return nil }
        index += 1
        var magnitude = UInt64(first)
        var overflow = false
        if first != 0 {
            while let digit = peekDigit() {
                index += 1
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
                magnitude = sum
                overflow = overflow || o1 || o2
            }
        }
        var integral = true
        if take(UInt8(ascii: ".")) {
            integral = false
            guard peekDigit() != nil else { return nil }
            while peekDigit() != nil { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            integral = false
            index += 1
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard peekDigit() != nil else { return nil }
            while peekDigit() != nil { index += 1 }
        }
        if integral {
            guard !overflow else { return nil }  // beyond Int64: Foundation's representation
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return .integer(Int64(magnitude))
        }
        guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self),
              let number = Double(text), number.isFinite else { return nil }
        return .number(number)
    }

    private func peekDigit() -> UInt8? {
        guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else { return nil }
        return bytes[index] - UInt8(ascii: "0")
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
        index += count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }
}
