import Foundation
import Hummingbird
import JSON

/// Every error the API answers with: `{"error":{"code","message","field","line","column"}}`.
/// Handlers throw it; ``APIErrorMiddleware`` turns anything else into one too.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var line: Int?
    public var column: Int?
    /// Sent as `Retry-After` (429).
    public var retryAfterSeconds: Int?
    /// Sent as `Allow` (405): the methods the path has.
    public var allow: String?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.line = line
        self.column = column
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "invalid_request", message, field: field)
    }

    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }

    /// The JSON body; absent keys are written as `null` so clients see one shape.
    var body: JSONValue {
        .object([
            "error": .object([
                "code": .string(code), "message": .string(message), "field": field.map(JSONValue.string) ?? .null,
                "line": line.map { .integer(Int64($0)) } ?? .null, "column": column.map { .integer(Int64($0)) } ?? .null,
            ]),
        ])
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = body.response(status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        if let allow { response.headers[.allow] = allow }
        if let retryAfterSeconds { response.headers[.retryAfter] = String(max(1, retryAfterSeconds)) }
        return response
    }
}
