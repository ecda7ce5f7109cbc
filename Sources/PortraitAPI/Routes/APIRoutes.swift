import Foundation
import Hummingbird

/// Registers routes with the role each needs (`nil`: public), so authentication sits in one
/// place and no route can forget it.
struct APIRoutes {
    let router: Router<APIRequestContext>
    let services: APIServices
    /// What is routed, for 405 answers (``MethodNotAllowedMiddleware``).
    var table = RouteTable()

    typealias Handler = @Sendable (Request, APIRequestContext) async throws -> Response

    func on(_ method: HTTPRequest.Method, _ path: RouterPath, role: APIRole?, _ handler: @escaping Handler) {
        let authenticator = Authenticator(services: services)
        table.add(path.description, method: method)
        router.on(path, method: method) { request, context -> Response in
            var context = context
            if let role { context.caller = try await authenticator.authenticate(request, minimum: role) }
            return try await handler(request, context)
        }
    }

    func get(_ path: RouterPath, role: APIRole?, _ handler: @escaping Handler) { on(.get, path, role: role, handler) }
    func post(_ path: RouterPath, role: APIRole?, _ handler: @escaping Handler) { on(.post, path, role: role, handler) }
    func put(_ path: RouterPath, role: APIRole?, _ handler: @escaping Handler) { on(.put, path, role: role, handler) }
    func delete(_ path: RouterPath, role: APIRole?, _ handler: @escaping Handler) { on(.delete, path, role: role, handler) }
}

extension APIRequestContext {
    /// A path parameter the route declares (present whenever the route matched).
    func parameter(_ name: String) throws -> String {
        try Self.decodedParameter(parameters.get(name), name: name).get()
    }

    /// A path parameter as sent, percent-decoded: Hummingbird hands path components over as
    /// sent, so `a%20b` is the user `a b`. Shared with ``ProfileFastPath``.
    static func decodedParameter(_ raw: String?, name: String) -> Result<String, APIError> {
        guard let raw, let value = raw.removingPercentEncoding, !value.isEmpty else {
            return .failure(APIError.badRequest("the path parameter \(name) is missing or badly percent-encoded", field: name))
        }
        return .success(value)
    }

    /// The caller's name, for the definitions' history.
    var author: String { caller.map { "api:\($0.name)" } ?? "api" }
}
