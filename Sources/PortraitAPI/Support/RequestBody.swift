import Foundation
import Hummingbird
import JSON
import NIOHTTP1

/// Reads request bodies under the API's limits: at most ``limit`` bytes (413 beyond), JSON
/// that parses within `JSONBodyLimits` (400 otherwise), objects with only the fields a route knows (400 otherwise).
enum RequestBody {
    /// 1 MiB: every body the API accepts fits far below it.
    static let limit = 1 << 20
    /// Bodies above this many bytes are decoded by `ComputeWork`.
    static let largeBody = 64 * 1024

    static func json(_ request: Request) async throws -> JSONValue {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch let error as HTTPParserError {
            throw MalformedRequestHandler.problem(for: error)  // e.g. bad chunked encoding
        } catch { throw tooLarge }
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, code: "malformed_json", "the request needs a JSON body") }
        if let problem = JSONBodyLimits.problem(in: buffer.readableBytesView) { throw problem }
        guard String(validating: buffer.readableBytesView, as: UTF8.self) != nil else {
            throw APIError(.badRequest, code: "malformed_json", "the body is not valid UTF-8")
        }
        let data = Data(buffer.readableBytesView)
        let decode: @Sendable () throws -> JSONValue = {
            do { return try JSONDecoder().decode(JSONValue.self, from: data) } catch {
                throw APIError(.badRequest, code: "malformed_json", "the body is not valid JSON")
            }
        }
        // Large bodies decode off the cooperative pool, so they cannot hold up other requests.
        return data.count > largeBody ? try await ComputeWork.run(decode) : try decode()
    }

    /// The body as an object holding only `allowed` keys (and every one of `required`).
    static func object(_ request: Request, allowed: Set<String>, required: Set<String> = []) async throws -> [String: JSONValue] {
        try checkedObject(try await json(request), allowed: allowed, required: required, path: nil)
    }

    static func checkedObject(_ value: JSONValue, allowed: Set<String>, required: Set<String> = [], path: String?) throws -> [String: JSONValue] {
        guard let fields = value.object else {
            throw APIError.badRequest("\(path ?? "the body") must be a JSON object, got \(value.kindName)", field: path)
        }
        for key in fields.keys.sorted() where !allowed.contains(key) {
            let name = path.map { "\($0).\(key)" } ?? key
            throw APIError(.badRequest, code: "unknown_field", "unknown field '\(name)'; known: \(allowed.sorted().joined(separator: ", "))", field: name)
        }
        for key in required.sorted() where fields[key] == nil || fields[key] == .null {
            let name = path.map { "\($0).\(key)" } ?? key
            throw APIError.badRequest("missing field '\(name)'", field: name)
        }
        return fields
    }

    static let tooLarge = APIError(.contentTooLarge, code: "body_too_large", "request bodies are limited to \(limit) bytes")
}
