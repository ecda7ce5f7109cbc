import Logging
import MySQL

/// Applies migrations in order and records each in `schema_migrations`, so a second run is a
/// no-op. MariaDB commits DDL implicitly, so each file's statements are written to be safe
/// to repeat (`IF NOT EXISTS`) and the record is written only after all of them succeed.
public struct MigrationRunner: Sendable {
    private let connection: MySQLConnection
    private let logger: Logger

    public init(connection: MySQLConnection, logger: Logger = Logger(label: "portrait.migrate")) {
        self.connection = connection
        self.logger = logger
    }

    /// Applies the migrations not yet recorded; returns the versions applied now.
    @discardableResult
    public func apply(_ migrations: [Migration]) throws -> [Int] {
        try connection.executeText("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version INT NOT NULL PRIMARY KEY,
              name VARCHAR(200) NOT NULL,
              applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
            """)
        let applied = Set(try appliedVersions())
        var appliedNow: [Int] = []
        for migration in migrations where !applied.contains(migration.version) {
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            for (index, statement) in migration.statements.enumerated() {
                do { try connection.executeText(statement) } catch {
                    throw MigrationError.failed(version: migration.version, name: migration.name, statement: index + 1, underlying: error)
                }
            }
            try connection.execute(
                "INSERT IGNORE INTO schema_migrations (version, name) VALUES (?, ?)",
                [.int(Int64(migration.version)), .string(migration.name)])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    /// Versions already recorded, ascending.
    public func appliedVersions() throws -> [Int] {
        try connection.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.decode(Int.self, "version") }
    }
}
