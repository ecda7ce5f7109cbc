import MySQL

/// One row of `api_keys`, without its hash.
public struct APIKeyRecord: Sendable, Equatable {
    public var name: String
    public var role: APIRole
    public var prefix: String
    public var createdBy: String?
    /// UTC, as MariaDB prints DATETIME(6).
    public var createdAt: String
    public var revokedAt: String?
}

/// Why a key operation was refused.
public enum APIKeyStoreError: Error, Equatable, CustomStringConvertible {
    case alreadyExists(name: String)
    case notFound(name: String)
    case invalidName(String)

    public var description: String {
        switch self {
        case .alreadyExists(let name): "an active API key named \(name) already exists; revoke it first or choose another name"
        case .notFound(let name): "no active API key named \(name)"
        case .invalidName(let name): "an API key name must be 1 to 128 characters, got '\(name)'"
        }
    }
}

/// API keys in MySQL (migration 0005): created, listed, revoked, and looked up per request.
public struct APIKeyStore: Sendable {
    private let connection: MySQLConnection

    public init(connection: MySQLConnection) {
        self.connection = connection
    }

    /// Creates a key; the returned key is the only time its text exists outside the client.
    public func create(name: String, role: APIRole, createdBy: String?) throws -> APIKey {
        guard !name.isEmpty, name.count <= 128 else { throw APIKeyStoreError.invalidName(name) }
        let active = try connection.query("SELECT id FROM api_keys WHERE name = ? AND revoked_at IS NULL", [.string(name)])
        guard active.isEmpty else { throw APIKeyStoreError.alreadyExists(name: name) }
        let key = APIKey.generate()
        try connection.execute(
            "INSERT INTO api_keys (name, role, key_prefix, key_hash, created_by) VALUES (?, ?, ?, ?, ?)",
            [.string(name), .string(role.rawValue), .string(key.prefix), .string(key.hash), createdBy.map(MySQLValue.string) ?? .null])
        return key
    }

    /// Every key, revoked ones included, by name.
    public func list() throws -> [APIKeyRecord] {
        try connection.query("""
            SELECT name, role, key_prefix, created_by, CAST(created_at AS CHAR) AS created_at, CAST(revoked_at AS CHAR) AS revoked_at
            FROM api_keys ORDER BY name, id
            """).map { row in
            APIKeyRecord(
                name: try row.decode(String.self, "name"), role: APIRole(rawValue: try row.decode(String.self, "role")) ?? .reader,
                prefix: try row.decode(String.self, "key_prefix"), createdBy: try row.decode(String?.self, "created_by"),
                createdAt: try row.decode(String.self, "created_at"), revokedAt: try row.decode(String?.self, "revoked_at"))
        }
    }

    /// Revokes every active key named `name`; returns how many.
    @discardableResult
    public func revoke(name: String) throws -> Int {
        let result = try connection.execute(
            "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(6) WHERE name = ? AND revoked_at IS NULL", [.string(name)])
        guard result.affectedRows > 0 else { throw APIKeyStoreError.notFound(name: name) }
        return Int(result.affectedRows)
    }

    /// The name and role of a usable key matching `key`, or `nil`; records the use in
    /// `last_used_at`. Hashes compare in constant time.
    public func authenticate(_ key: APIKey) throws -> (name: String, role: APIRole)? {
        let rows = try connection.query("""
            SELECT name, role, key_hash FROM api_keys
            WHERE key_prefix = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP(6))
            """, [.string(key.prefix)])
        guard let row = rows.first else { return nil }  // the prefix is not secret: a miss tells nothing
        guard APIKey.constantTimeEqual(key.hash, try row.decode(String.self, "key_hash")),
              let role = APIRole(rawValue: try row.decode(String.self, "role")) else { return nil }
        try connection.execute("UPDATE api_keys SET last_used_at = CURRENT_TIMESTAMP(6) WHERE key_prefix = ?", [.string(key.prefix)])
        return (try row.decode(String.self, "name"), role)
    }
}
