import Foundation
import Hummingbird

/// Checks `Authorization: Bearer <key>` against `api_keys`: 401 when missing or unknown,
/// 403 when the key's role is below what the route needs, 429 when the key is over its rate
/// limit. Keys are never logged.
struct Authenticator: Sendable {
    let services: APIServices

    /// What can be decided without MySQL: the header's shape and the key cache.
    enum CachedCheck {
        case admitted(name: String, role: APIRole)
        case refused(APIError)
        /// A well-formed key the cache does not hold: MySQL decides.
        case needsLookup(APIKey)
    }

    func authenticate(_ request: Request, minimum: APIRole) async throws -> (name: String, role: APIRole) {
        switch checkCached(request.headers[.authorization], minimum: minimum) {
        case .admitted(let name, let role): return (name, role)
        case .refused(let error): throw error
        case .needsLookup(let key):
            guard let checked = try await services.withMySQL({ try APIKeyStore(connection: $0).authenticate(key) }) else {
                throw APIError(.unauthorized, code: "unauthenticated", "unknown, revoked or expired API key")
            }
            services.keyGate.remember(hash: key.hash, name: checked.name, role: checked.role)
            return try admit(checked, minimum: minimum).get()
        }
    }

    /// The part of ``authenticate(_:minimum:)`` that never waits: the profile fast path
    /// (``ProfileFastPath``) answers with it on the event loop and leaves `needsLookup` to
    /// Hummingbird's route.
    func checkCached(_ header: String?, minimum: APIRole) -> CachedCheck {
        switch key(from: header) {
        case .success(let key): checkCached(key, hash: key.hash, minimum: minimum)
        case .failure(let error): .refused(error)
        }
    }

    /// The key an `Authorization` header carries, or the 401 for a missing or malformed one.
    func key(from header: String?) -> Result<APIKey, APIError> {
        guard let header else {
            return .failure(APIError(.unauthorized, code: "unauthenticated", "send an API key as `Authorization: Bearer pk_…`"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let key = APIKey(parsing: parts[1].trimmingCharacters(in: .whitespaces)) else {
            return .failure(APIError(.unauthorized, code: "unauthenticated", "the Authorization header must be `Bearer pk_<prefix>_<secret>`"))
        }
        return .success(key)
    }

    /// ``checkCached(_:minimum:)`` for a parsed key and its hash (`key.hash`, which a caller
    /// that sees the same header again may have kept: the SHA-256 is most of the check).
    func checkCached(_ key: APIKey, hash: String, minimum: APIRole) -> CachedCheck {
        guard let cached = services.keyGate.cached(hash: hash) else { return .needsLookup(key) }
        switch admit(cached, minimum: minimum) {
        case .success(let caller): return .admitted(name: caller.name, role: caller.role)
        case .failure(let error): return .refused(error)
        }
    }

    /// The role check and the rate limit, for a key known to be valid.
    private func admit(_ caller: (name: String, role: APIRole), minimum: APIRole) -> Result<(name: String, role: APIRole), APIError> {
        guard caller.role >= minimum else {
            return .failure(APIError(.forbidden, code: "forbidden", "this needs the \(minimum.rawValue) role; the key '\(caller.name)' is a \(caller.role.rawValue)"))
        }
        let gate = services.keyGate
        if let wait = gate.admit(caller.name) {
            var error = APIError(.tooManyRequests, code: "rate_limited", "the key '\(caller.name)' is over its limit of \(Int(gate.ratePerSecond)) requests per second")
            error.retryAfterSeconds = Int(wait.rounded(.up))
            return .failure(error)
        }
        return .success(caller)
    }
}
