import JSON

extension JSONValue {
    /// A compact rendering for error messages, kept apart from the JSON text (`description`) so
    /// messages read as before: `["a", "b"]`, `{"k": 3}`.
    var messageText: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return String(value)
        case let .integer(value): return String(value)
        case let .number(value):
            // Integral values print without ".0" so "k = 3" reads naturally in messages.
            if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        case let .string(value): return "\"\(value)\""
        case let .array(values): return "[" + values.map(\.messageText).joined(separator: ", ") + "]"
        case let .object(fields):
            return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value.messageText)" }.joined(separator: ", ") + "}"
        }
    }
}
