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
}
