import Hummingbird

/// Checks `Authorization: Bearer <key>` against `api_keys`: 401 when missing or unknown,
/// 403 when the key's role is below what the route needs. Keys are never logged.
struct Authenticator: Sendable {
    let services: APIServices

    func authenticate(_ request: Request, minimum: APIRole) async throws -> (name: String, role: APIRole) {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthorized, code: "unauthenticated", "send an API key as `Authorization: Bearer pk_…`")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let key = APIKey(parsing: parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, code: "unauthenticated", "the Authorization header must be `Bearer pk_<prefix>_<secret>`")
        }
        guard let caller = try await services.withMySQL({ try APIKeyStore(connection: $0).authenticate(key) }) else {
            throw APIError(.unauthorized, code: "unauthenticated", "unknown, revoked or expired API key")
        }
        guard caller.role >= minimum else {
            throw APIError(.forbidden, code: "forbidden", "this needs the \(minimum.rawValue) role; the key '\(caller.name)' is a \(caller.role.rawValue)")
        }
        return caller
    }
}
