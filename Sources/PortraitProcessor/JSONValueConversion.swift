import Foundation
import TagLang

/// Turns a value from a parsed JSON document (CDC row or event) into a TagLang value of the
/// declared type. `nil` means the value cannot be that type: the input goes to the
/// dead-letter topic with the reason.
enum JSONValueConversion {
    static func value(_ raw: Any?, as type: ValueType) -> Value? {
        guard let raw, !(raw is NSNull) else { return .null }
        switch type {
        case .string:
            return text(raw).map(Value.string)
        case .number:
            if let number = raw as? NSNumber, !isBoolean(number) { return .number(number.doubleValue) }
            // DECIMAL arrives as exact text; "nan", "inf" and hex floats are not numbers here.
            if let string = raw as? String, string.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
               let number = Double(string), number.isFinite { return .number(number) }
            return nil
        case .timestamp:
            if let number = raw as? NSNumber, !isBoolean(number) { return .timestamp(number.int64Value) }
            if let string = raw as? String, let ms = TimestampText.epochMilliseconds(string) { return .timestamp(ms) }
            return nil
        case .bool:
            if let number = raw as? NSNumber { return .bool(number.doubleValue != 0) }
            if let string = raw as? String, ["true", "false"].contains(string) { return .bool(string == "true") }
            return nil
        default:
            return nil
        }
    }

    /// A user id or string field: strings as they are, integers without a decimal point.
    static func text(_ raw: Any) -> String? {
        if let string = raw as? String { return string }
        if let number = raw as? NSNumber, !isBoolean(number) {
            let double = number.doubleValue
            if double == double.rounded(), abs(double) < 9e15 { return String(number.int64Value) }
            return String(double)
        }
        return nil
    }

    static func isBoolean(_ number: NSNumber) -> Bool {
        #if canImport(Darwin)
        return CFGetTypeID(number) == CFBooleanGetTypeID()
        #else
        // JSONSerialization makes JSON booleans NSNumber(value: Bool), type code "c"; JSON
        // numbers become Int ("q") or Double ("d") numbers.
        return String(cString: number.objCType) == "c"
        #endif
    }

    static func describe(_ raw: Any?) -> String {
        guard let raw else { return "nothing" }
        if raw is NSNull { return "null" }
        if let string = raw as? String { return "\"\(string.prefix(40))\"" }
        return String(describing: raw).prefix(40).description
    }
}
