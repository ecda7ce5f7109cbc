/// A runtime value. Times are epoch milliseconds; durations are milliseconds.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case timestamp(Int64)
    case duration(Int64)
    case list([Value])

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let text): "\"\(text)\""
        case .timestamp(let ms): "@\(ms)"
        case .duration(let ms): "\(ms)ms"
        case .list(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    /// Truth in a boolean position: only `true` is true (null is not).
    public var isTrue: Bool { self == .bool(true) }
}

/// The static type of an expression.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case bool, number, string, timestamp, duration
    case list(ValueType)
    /// The type of the `null` literal: fits anywhere.
    case null

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .timestamp: "timestamp"
        case .duration: "duration"
        case .list(let element): "list of \(element)"
        case .null: "null"
        }
    }

    /// The common type of two branches or operands, `nil` if they do not mix.
    func unified(with other: ValueType) -> ValueType? {
        if self == other { return self }
        if self == .null { return other }
        if other == .null { return self }
        return nil
    }
}
