import Hummingbird
import PortraitProcessor

/// Refuses a path whose id segment is longer than any stored id can be, with the standard
/// error body naming the path parameter and the limit, before a route reads it (so a 100 KB
/// user id never reaches Redis or MySQL). The HTTP decoder allows heads up to
/// `APIApplicationLimits.maxRequestHeadBytes`; beyond that it answers a bare 400 itself.
struct PathLimitMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// Longest path segment other than a user id (names are at most 128 ASCII characters).
    static let maxSegmentBytes = 512

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let problem = Self.problem(path: request.uri.path) { throw problem }
        return try await next(request, context)
    }

    /// The 400 for a path with a segment over its limit; `nil` when every segment fits.
    static func problem(path: String) -> APIError? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for (index, segment) in segments.enumerated() {
            let parameter = index > 0 ? parameterName(after: segments[index - 1]) : "path"
            let limit = parameter == "userId" ? EventValidator.maxUserIdBytes : maxSegmentBytes
            let bytes = decodedLength(segment)
            guard bytes > limit else { continue }
            return APIError(.badRequest, code: "path_too_long",
                            "the path parameter \(parameter) is \(bytes) bytes; the limit is \(limit) bytes", field: parameter)
        }
        return nil
    }

    /// The OpenAPI name of the parameter that follows `segment` in Portrait's paths.
    static func parameterName(after segment: Substring) -> String {
        switch segment {
        case "profiles": "userId"
        case "metrics", "tags", "segments", "jobs", "models": "name"
        case "console": "file"
        default: "path"
        }
    }

    /// Bytes the segment stands for once percent-decoded (`%41` is one byte).
    static func decodedLength(_ segment: Substring) -> Int {
        let encoded = segment.utf8.count
        let escapes = segment.utf8.lazy.filter { $0 == UInt8(ascii: "%") }.count
        return encoded - 2 * escapes
    }
}

/// Limits of the HTTP server itself.
enum APIApplicationLimits {
    /// Request line plus headers the HTTP decoder accepts (NIO's default is 80 KiB): large
    /// enough that an oversized id reaches `PathLimitMiddleware` and gets the standard error.
    static let maxRequestHeadBytes = 256 * 1024
}
