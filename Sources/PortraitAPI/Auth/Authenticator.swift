import Foundation
import Hummingbird

/// Checks `Authorization: Bearer <key>` against `api_keys`: 401 when missing or unknown,
/// 403 when the key's role is below what the route needs, 429 when the key is over its rate
/// limit. Keys are never logged.
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
        let gate = services.keyGate
        let hash = key.hash
        let caller: (name: String, role: APIRole)
        if let cached = gate.cached(hash: hash) {
            caller = cached
        } else {
            guard let checked = try await services.withMySQL({ try APIKeyStore(connection: $0).authenticate(key) }) else {
                throw APIError(.unauthorized, code: "unauthenticated", "unknown, revoked or expired API key")
            }
            gate.remember(hash: hash, name: checked.name, role: checked.role)
            caller = checked
        }
        guard caller.role >= minimum else {
            throw APIError(.forbidden, code: "forbidden", "this needs the \(minimum.rawValue) role; the key '\(caller.name)' is a \(caller.role.rawValue)")
        }
        if let wait = gate.admit(caller.name) {
            var error = APIError(.tooManyRequests, code: "rate_limited", "the key '\(caller.name)' is over its limit of \(Int(gate.ratePerSecond)) requests per second")
            error.retryAfterSeconds = Int(wait.rounded(.up))
            throw error
        }
        return caller
    }
}
