import Foundation
import Hummingbird

/// Any JSON document, for bodies whose shape is checked by hand (so a wrong type or an
/// unknown field gets a precise 400) and for profiles whose fields are not known statically.
/// Integers are kept apart from other numbers so `42` is never written back as `42.0`.
public indirect enum JSONValue: Sendable, Equatable, Codable {
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

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .integer(let integer): try container.encode(integer)
        case .number(let number): try container.encode(number.isFinite ? number : 0)
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        }
    }

    /// A profile hash value as JSON. Tags (`booleans`) are booleans or enumerated strings, so an
    /// enumerated value "1" stays a string; other values are numbers when they parse as numbers.
    static func parsing(stored text: String, booleans: Bool) -> JSONValue {
        if booleans { return text == "true" || text == "false" ? .bool(text == "true") : .string(text) }
        if let integer = Int64(text) { return .integer(integer) }
        if let number = Double(text), number.isFinite, text.first.map({ $0 == "-" || $0.isNumber || $0 == "." }) == true {
            return .number(number)  // "nan", "inf" and the like stay strings
        }
        return .string(text)
    }

    /// Any encodable value as JSON (a definition, to merge changes onto).
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// What kind of value this is, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    var string: String? { if case .string(let text) = self { text } else { nil } }
    /// An integer, also when written with a fraction of zero (`3.0`): JSON Schema's `integer`.
    var integer: Int64? {
        switch self {
        case .integer(let number): number
        case .number(let number) where number == number.rounded(.towardZero) && abs(number) < 9.2e18: Int64(number)
        default: nil
        }
    }
    var object: [String: JSONValue]? { if case .object(let fields) = self { fields } else { nil } }
    var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }

    /// A JSON response with this body.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension JSONValue: ResponseGenerator {
    public func response(from request: Request, context: some RequestContext) throws -> Response { response() }
}
