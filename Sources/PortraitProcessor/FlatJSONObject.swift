import Foundation

/// The fast path for the commonest input, a flat JSON object of strings, numbers, booleans
/// and nulls (every behaviour event): parsed straight from the message bytes into the same
/// shapes `JSONSerialization` gives (String, NSNumber, NSNull), several times faster. Anything
/// else — nesting, odd escapes, numbers beyond Int64 — returns `nil` and the caller takes
/// `JSONSerialization`, which also decides what is invalid: the fast path never accepts a
/// document the slow path would refuse.
enum FlatJSONObject {
    static func parse(_ bytes: [UInt8]) -> [String: Any]? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            return parser.object()
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func object() -> [String: Any]? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var result: [String: Any] = [:]
            skipSpace()
            if take(UInt8(ascii: "}")) { return end() ? result : nil }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                guard let value = scalar(), result[key] == nil else { return nil }  // duplicate keys: let the slow path decide
                result[key] = value
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return end() ? result : nil
            }
        }

        private mutating func end() -> Bool {
            skipSpace()
            return index == bytes.count
        }

        private mutating func scalar() -> Any? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true") ? NSNumber(value: true) : nil
            case UInt8(ascii: "f"): return literal("false") ? NSNumber(value: false) : nil
            case UInt8(ascii: "n"): return literal("null") ? NSNull() : nil
            default: return number()
            }
        }

        /// A string without escapes other than \" \\ \/ \n \t \r \b \f (no \u: slow path).
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var plain = true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    return plain ? String(validating: raw, as: UTF8.self) : unescape(raw)
                }
                if byte < 0x20 { return nil }
                if byte == UInt8(ascii: "\\") {
                    plain = false
                    index += 1
                    guard index < bytes.count, Self.escapes[bytes[index]] != nil else { return nil }
                }
                index += 1
            }
            return nil
        }

        private static let escapes: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "/"): UInt8(ascii: "/"),
            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
        ]

        private func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String? {
            var out: [UInt8] = []
            out.reserveCapacity(raw.count)
            var position = 0
            while position < raw.count {
                if raw[position] == UInt8(ascii: "\\") {
                    position += 1
                    guard let replacement = Self.escapes[raw[position]] else { return nil }
                    out.append(replacement)
                } else {
                    out.append(raw[position])
                }
                position += 1
            }
            return String(validating: out, as: UTF8.self)
        }

        /// RFC 8259 number syntax; integers that fit Int64 become integer numbers, the rest doubles.
        private mutating func number() -> NSNumber? {
            let start = index
            _ = take(UInt8(ascii: "-"))
            guard let first = peekDigit() else { return nil }
            index += 1
            if first != 0 { while peekDigit() != nil { index += 1 } }
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
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else { return nil }
            if integral {
                guard let value = Int64(text) else { return nil }  // beyond Int64: the slow path's representation
                return NSNumber(value: value)
            }
            guard let value = Double(text), value.isFinite else { return nil }
            return NSNumber(value: value)
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

        private mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }
    }
}
