import Hummingbird
import Synchronization

/// Every registered route's path template and method, filled while the routes are registered.
final class RouteTable: Sendable {
    private let routes = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

    func add(_ path: String, method: HTTPRequest.Method) {
        let segments = path.split(separator: "/")
        routes.withLock { $0.append((segments, method)) }
    }

    /// The methods routed for `path`, sorted (empty when no template matches it).
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/")
        let matching = routes.withLock { routes in routes.filter { Self.matches($0.segments, parts) }.map(\.method.rawValue) }
        return Set(matching).sorted()
    }

    /// A template segment `{name}` matches any segment without `:`, `{name}:run` any ending in `:run`,
    /// `*` any segment and `**` the rest; other segments match themselves.
    static func matches(_ template: [Substring], _ parts: [Substring]) -> Bool {
        var index = 0
        for segment in template {
            if segment == "**" { return true }
            guard index < parts.count else { return false }
            let part = parts[index]
            if segment == "*" {
            } else if segment.first == "{", segment.last == "}" {
                // A bare parameter leaves `name:verb` segments to the `{name}:verb` routes.
                guard !part.contains(":") else { return false }
            } else if let open = segment.firstIndex(of: "{"), let close = segment.firstIndex(of: "}") {
                let prefix = segment[..<open], suffix = segment[segment.index(after: close)...]
                guard part.count > prefix.count + suffix.count, part.hasPrefix(prefix), part.hasSuffix(suffix) else { return false }
            } else if segment != part {
                return false
            }
            index += 1
        }
        return index == parts.count
    }
}

/// A request whose path is routed but not for its method gets 405 with `Allow` (RFC 9110 §15.5.6),
/// not the router's 404. Only 404 answers are looked at, so routed requests pay nothing.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError where error.status == .notFound {
            try refuseOtherMethod(request)
            throw error
        }
        if response.status == .notFound { try refuseOtherMethod(request) }
        return response
    }

    private func refuseOtherMethod(_ request: Request) throws {
        let allowed = routes.methods(for: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { return }
        var error = APIError(.methodNotAllowed, code: "method_not_allowed", "\(request.method.rawValue) is not allowed here; allowed: \(allowed.joined(separator: ", "))")
        error.allow = allowed.joined(separator: ", ")
        throw error
    }
}
