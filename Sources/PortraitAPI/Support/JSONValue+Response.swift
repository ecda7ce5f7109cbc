import Hummingbird
import JSON

/// What the API adds to the shared ``JSONValue``: reading profile hash values, and answering.
extension JSONValue {
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
