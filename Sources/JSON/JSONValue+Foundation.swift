internal import Foundation

/// Conversions that need Foundation's parser; the value, its equality and its byte writer do not.
extension JSONValue {
    /// Parses JSON text.
    public init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Any encodable value as JSON (a definition, to merge changes onto).
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// Converts what Yams or JSONSerialization produced; `nil` for anything JSON cannot hold.
    public init?(any value: Any?) {
        // JSONSerialization's numbers and booleans are NSNumber objects, which would also cast
        // to Bool and Int: the type code tells them apart. Yams gives Swift values.
        if let value, type(of: value) is AnyClass, let number = value as? NSNumber {
            guard let converted = JSONValue(number: number) else { return nil }
            self = converted
            return
        }
        switch value {
        case nil, is NSNull: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .integer(Int64(value))
        case let value as Double: guard value.isFinite else { return nil }; self = .number(value)
        case let value as String: self = .string(value)
        case let list as [Any]:
            var items: [JSONValue] = []
            for item in list { guard let converted = JSONValue(any: item) else { return nil }; items.append(converted) }
            self = .array(items)
        case let map as [String: Any]:
            var members: [String: JSONValue] = [:]
            for (key, item) in map { guard let converted = JSONValue(any: item) else { return nil }; members[key] = converted }
            self = .object(members)
        default: return nil
        }
    }

    /// A Foundation number: a boolean ("c") or a number, by its type code.
    private init?(number: NSNumber) {
        switch String(cString: number.objCType) {
        case "c", "B": self = .bool(number.boolValue)
        case "d", "f":
            guard number.doubleValue.isFinite else { return nil }
            self = .number(number.doubleValue)
        case "Q" where number.uint64Value > UInt64(Int64.max):
            self = .number(number.doubleValue)  // beyond Int64: a double, as elsewhere
        default:
            self = .integer(number.int64Value)
        }
    }
}

extension JSONValue {
    /// Parses JSON text from bytes: the byte parser for the common shape
    /// (``parseCommon(_:)``), else `JSONSerialization`; `nil` for text that is not JSON.
    public init?(jsonBytes bytes: [UInt8]) {
        if let common = bytes.withUnsafeBufferPointer(JSONValue.parseCommon) {
            self = common
            return
        }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
              let value = JSONValue(any: parsed) else { return nil }
        self = value
    }
}
