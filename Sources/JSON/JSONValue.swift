/// Any JSON document as a value: API bodies whose shape is checked by hand (so a wrong type or
/// an unknown field gets a precise 400) and profiles whose fields are not known statically;
/// job params, run results and recorded versions, which the scheduler stores without knowing
/// their shape; stage parameters and metadata of the learning library, kept readable in files.
///
/// Integers are kept apart from other numbers so `42` is never written back as `42.0`; but
/// JSON has one number type, so equality compares numbers by value (`.integer(3) ==
/// .number(3)`): a document reads back equal to what was written, whichever case a number
/// was built with.
///
/// Not `indirect`: arrays and objects already hold their elements in their own storage, so
/// scalars need no box of their own.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
        else if let integer = try? container.decode(Int64.self) { self = .integer(integer) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let text = try? container.decode(String.self) { self = .string(text) }
        else if let items = try? container.decode([JSONValue].self) { self = .array(items) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Through `Codable` a number is handed to the encoder as it is (JSONEncoder refuses NaN
    /// and infinity); the byte writer (``bytes``), which answers requests, writes them as 0.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let integer): try container.encode(integer)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        }
    }

    /// What kind of value this is, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var string: String? { if case .string(let text) = self { text } else { nil } }
    /// An integer, also when written with a fraction of zero (`3.0`): JSON Schema's `integer`.
    public var integer: Int64? {
        switch self {
        case .integer(let number): number
        case .number(let number) where number == number.rounded(.towardZero) && abs(number) < 9.2e18: Int64(number)
        default: nil
        }
    }
    public var object: [String: JSONValue]? { if case .object(let fields) = self { fields } else { nil } }
    public var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }

    /// The member `key` of an object; `nil` for a missing key or a value that is not an object.
    public subscript(_ key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}

extension JSONValue {
    /// Numbers compare by value across the two cases; everything else as it is.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        // Int64(exactly:), not Double(a): 2^53 + 1 is not the double 2^53.
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): Int64(exactly: b) == a
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }

    /// Equal numbers hash alike: a double that is exactly an integer hashes as that integer.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(1); hasher.combine(flag)
        case .integer(let integer): hasher.combine(2); hasher.combine(integer)
        case .number(let number):
            if let integer = Int64(exactly: number) { hasher.combine(2); hasher.combine(integer) }
            else { hasher.combine(3); hasher.combine(number) }
        case .string(let text): hasher.combine(4); hasher.combine(text)
        case .array(let items): hasher.combine(5); hasher.combine(items)
        case .object(let fields): hasher.combine(6); hasher.combine(fields)
        }
    }
}
