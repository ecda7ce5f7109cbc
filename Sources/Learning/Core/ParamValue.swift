import JSON

/// A type that can be a stage parameter: it converts to and from JSON so parameters can be
/// saved in `params.json`, read back, and edited by hand.
public protocol ParamValue: Sendable, Equatable {
    /// The JSON form written to `params.json`.
    var jsonValue: JSONValue { get }
    /// Reads the JSON form; `nil` when the JSON has the wrong shape.
    init?(jsonValue: JSONValue)
}

extension Int: ParamValue {
    public var jsonValue: JSONValue { .integer(Int64(self)) }
    public init?(jsonValue: JSONValue) {
        switch jsonValue {
        case let .integer(value): guard let exact = Int(exactly: value) else { return nil }; self = exact
        case let .number(value): guard let exact = Int(exactly: value) else { return nil }; self = exact
        default: return nil
        }
    }
}

extension Double: ParamValue {
    public var jsonValue: JSONValue { .number(self) }
    public init?(jsonValue: JSONValue) {
        switch jsonValue {
        case let .number(value): self = value
        case let .integer(value): self = Double(value)  // a whole number reads back as an integer
        default: return nil
        }
    }
}

extension Bool: ParamValue {
    public var jsonValue: JSONValue { .bool(self) }
    public init?(jsonValue: JSONValue) {
        guard case let .bool(value) = jsonValue else { return nil }
        self = value
    }
}

extension String: ParamValue {
    public var jsonValue: JSONValue { .string(self) }
    public init?(jsonValue: JSONValue) {
        guard case let .string(value) = jsonValue else { return nil }
        self = value
    }
}

extension UInt64: ParamValue {
    // Seeds use all 64 bits but JSON numbers are doubles, so large values are written as
    // decimal strings to survive the round trip exactly.
    public var jsonValue: JSONValue { self < (1 << 53) ? .integer(Int64(self)) : .string(String(self)) }
    public init?(jsonValue: JSONValue) {
        switch jsonValue {
        case let .integer(value):
            guard let exact = UInt64(exactly: value) else { return nil }
            self = exact
        case let .number(value):
            guard let exact = UInt64(exactly: value) else { return nil }
            self = exact
        case let .string(text):
            guard let parsed = UInt64(text) else { return nil }
            self = parsed
        default:
            return nil
        }
    }
}

extension Array: ParamValue where Element: ParamValue {
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
    public init?(jsonValue: JSONValue) {
        guard case let .array(items) = jsonValue else { return nil }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let element = Element(jsonValue: item) else { return nil }
            result.append(element)
        }
        self = result
    }
}

extension Optional: ParamValue where Wrapped: ParamValue {
    public var jsonValue: JSONValue { map(\.jsonValue) ?? .null }
    public init?(jsonValue: JSONValue) {
        if case .null = jsonValue {
            self = .none
        } else if let wrapped = Wrapped(jsonValue: jsonValue) {
            self = .some(wrapped)
        } else {
            return nil
        }
    }
}

extension ParamValue where Self: RawRepresentable, RawValue == String {
    /// String-backed enums are stored as their raw value.
    public var jsonValue: JSONValue { .string(rawValue) }
    public init?(jsonValue: JSONValue) {
        guard case let .string(text) = jsonValue, let value = Self(rawValue: text) else { return nil }
        self = value
    }
}
