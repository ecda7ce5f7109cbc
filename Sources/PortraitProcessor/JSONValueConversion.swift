import JSON
import TagLang

/// Turns a value from a parsed JSON document (CDC row or event) into a TagLang value of the
/// declared type. `nil` means the value cannot be that type: the input goes to the
/// dead-letter topic with the reason.
enum JSONValueConversion {
    static func value(_ raw: JSONValue?, as type: ValueType) -> Value? {
        guard let raw else { return .null }
        if case .null = raw { return .null }
        switch type {
        case .string:
            return text(raw).map(Value.string)
        case .number:
            switch raw {
            case .integer(let integer): return .number(Double(integer))
            case .number(let number): return .number(number)
            // DECIMAL arrives as exact text; "nan", "inf" and hex floats are not numbers here.
            case .string(let string) where string.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }):
                guard let number = Double(string), number.isFinite else { return nil }
                return .number(number)
            default: return nil
            }
        case .timestamp:
            if case .string(let string) = raw { return TimestampText.epochMilliseconds(string).map(Value.timestamp) }
            return milliseconds(raw).map(Value.timestamp)
        case .bool:
            switch raw {
            case .bool(let flag): return .bool(flag)
            case .integer(let integer): return .bool(integer != 0)
            case .number(let number): return .bool(number != 0)
            case .string(let string) where string == "true" || string == "false": return .bool(string == "true")
            default: return nil
            }
        default:
            return nil
        }
    }

    /// A user id or string field: strings as they are, integers without a decimal point.
    static func text(_ raw: JSONValue) -> String? {
        switch raw {
        case .string(let string): return string
        case .integer(let integer): return String(integer)
        case .number(let number): return wholeNumber(raw).map(String.init) ?? String(number)
        default: return nil
        }
    }

    /// Epoch milliseconds written as a number (a fraction is cut toward zero); `nil` for
    /// anything else or a number beyond Int64.
    static func milliseconds(_ raw: JSONValue) -> Int64? {
        switch raw {
        case .integer(let ms): ms
        case .number(let number) where abs(number) < 9.2e18: Int64(number)
        default: nil
        }
    }

    /// An integer written either way (`42`, `42.0`) below 9·10¹⁵, where doubles are still exact.
    static func wholeNumber(_ raw: JSONValue) -> Int64? {
        switch raw {
        case .integer(let integer) where abs(Double(integer)) < 9e15: return integer
        case .number(let number) where number == number.rounded() && abs(number) < 9e15: return Int64(number)
        default: return nil
        }
    }

    static func describe(_ raw: JSONValue?) -> String {
        switch raw {
        case nil: return "nothing"
        case .string(let string)?: return "\"\(string.prefix(40))\""
        case let other?: return String(other.description.prefix(40))
        }
    }
}
