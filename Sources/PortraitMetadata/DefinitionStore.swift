import Foundation
import MySQL
import PortraitCore

/// One stored version of a definition.
public struct StoredDefinition<Definition: StorableDefinition>: Sendable {
    public var definition: Definition
    public var version: Int
    public var author: String
    public var note: String?
    /// UTC, as MariaDB prints DATETIME(6).
    public var createdAt: String
}

/// Why the store refused a change.
public enum DefinitionStoreError: Error, Equatable, CustomStringConvertible {
    case notFound(kind: String, name: String)
    case alreadyExists(kind: String, name: String)
    /// Someone else changed the definition between read and write; read again and retry.
    case concurrentChange(kind: String, name: String)

    public var description: String {
        switch self {
        case .notFound(let kind, let name): "no \(kind) named \(name)"
        case .alreadyExists(let kind, let name): "a \(kind) named \(name) already exists"
        case .concurrentChange(let kind, let name): "the \(kind) \(name) was changed concurrently; try again"
        }
    }
}

/// Metric and tag definitions in MySQL with an immutable version history: every change
/// (create, update, activate, retire) adds a version; nothing is overwritten or deleted.
public struct DefinitionStore: Sendable {
    private let connection: MySQLConnection
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public init(connection: MySQLConnection) {
        self.connection = connection
    }

    /// Stores a new definition as version 1.
    @discardableResult
    public func create<D: StorableDefinition>(_ definition: D, author: String, note: String? = nil) throws -> StoredDefinition<D> {
        try connection.transaction { db in
            let header = [("name", MySQLValue.string(definition.name)), ("status", .string(definition.status.rawValue)), ("current_version", .int(1))]
                + definition.headerColumns
            let id: UInt64
            do {
                id = try db.execute(Self.insert(into: D.table, header), header.map(\.1)).lastInsertId
            } catch MySQLError.duplicateKey {
                throw DefinitionStoreError.alreadyExists(kind: D.kindName, name: definition.name)
            }
            try insertVersion(definition, id: id, version: 1, author: author, note: note, on: db)
        }
        return try existing(D.self, named: definition.name)
    }

    /// Stores `definition` as the next version of the definition with its name.
    @discardableResult
    public func update<D: StorableDefinition>(_ definition: D, author: String, note: String? = nil) throws -> StoredDefinition<D> {
        try connection.transaction { db in
            let (id, version) = try head(D.self, named: definition.name, on: db, lock: true)
            let header = [("status", MySQLValue.string(definition.status.rawValue)), ("current_version", .int(Int64(version + 1)))]
                + definition.headerColumns
            let assignments = header.map { "\($0.0) = ?" }.joined(separator: ", ")
            let updated = try db.execute(
                "UPDATE \(D.table) SET \(assignments) WHERE id = ? AND current_version = ?",
                header.map(\.1) + [.uint(id), .int(Int64(version))])
            guard updated.affectedRows == 1 else { throw DefinitionStoreError.concurrentChange(kind: D.kindName, name: definition.name) }
            try insertVersion(definition, id: id, version: version + 1, author: author, note: note, on: db)
        }
        return try existing(D.self, named: definition.name)
    }

    /// A new version that only changes the status (activate, retire).
    @discardableResult
    public func setStatus<D: StorableDefinition>(_ type: D.Type, named name: String, to status: DefinitionStatus, author: String) throws -> StoredDefinition<D> {
        var definition = try existing(type, named: name).definition
        definition.status = status
        return try update(definition, author: author, note: "status → \(status.rawValue)")
    }

    /// The current version, `nil` if no definition has that name.
    public func current<D: StorableDefinition>(_ type: D.Type, named name: String) throws -> StoredDefinition<D>? {
        try versions(type, where: "d.name = ? AND v.version = d.current_version", [.string(name)]).first
    }

    /// The current version, or `notFound` when no definition has that name.
    public func existing<D: StorableDefinition>(_ type: D.Type, named name: String) throws -> StoredDefinition<D> {
        guard let stored = try current(type, named: name) else { throw DefinitionStoreError.notFound(kind: D.kindName, name: name) }
        return stored
    }

    /// Current versions, optionally only those with `status`, by name.
    public func list<D: StorableDefinition>(_ type: D.Type, status: DefinitionStatus? = nil) throws -> [StoredDefinition<D>] {
        if let status {
            return try versions(type, where: "v.version = d.current_version AND d.status = ?", [.string(status.rawValue)])
        }
        return try versions(type, where: "v.version = d.current_version", [])
    }

    /// Every version of one definition, oldest first.
    public func history<D: StorableDefinition>(_ type: D.Type, named name: String) throws -> [StoredDefinition<D>] {
        let all = try versions(type, where: "d.name = ?", [.string(name)])
        guard !all.isEmpty else { throw DefinitionStoreError.notFound(kind: D.kindName, name: name) }
        return all
    }

    private func versions<D: StorableDefinition>(_ type: D.Type, where condition: String, _ parameters: [MySQLValue]) throws -> [StoredDefinition<D>] {
        let rows = try connection.query("""
            SELECT v.version, v.body, v.author, v.change_note, CAST(v.created_at AS CHAR) AS created_at
            FROM \(D.versionsTable) v JOIN \(D.table) d ON d.id = v.definition_id
            WHERE \(condition) ORDER BY d.name, v.version
            """, parameters)
        return try rows.map { row in
            let body = try row.decode(String.self, "body")
            return StoredDefinition(
                definition: try JSONDecoder().decode(D.self, from: Data(body.utf8)),
                version: try row.decode(Int.self, "version"), author: try row.decode(String.self, "author"),
                note: try row.decode(String?.self, "change_note"), createdAt: try row.decode(String.self, "created_at"))
        }
    }

    private func head<D: StorableDefinition>(_ type: D.Type, named name: String, on db: MySQLConnection, lock: Bool) throws -> (UInt64, Int) {
        guard let row = try db.query("SELECT id, current_version FROM \(D.table) WHERE name = ?\(lock ? " FOR UPDATE" : "")", [.string(name)]).first else {
            throw DefinitionStoreError.notFound(kind: D.kindName, name: name)
        }
        return (try row.decode(UInt64.self, "id"), try row.decode(Int.self, "current_version"))
    }

    private func insertVersion<D: StorableDefinition>(_ definition: D, id: UInt64, version: Int, author: String, note: String?, on db: MySQLConnection) throws {
        let body = String(decoding: try encoder.encode(definition), as: UTF8.self)
        let columns: [(String, MySQLValue)] = [
            ("definition_id", .uint(id)), ("version", .int(Int64(version))), ("status", .string(definition.status.rawValue)),
            ("body", .string(body)), ("change_note", note.map(MySQLValue.string) ?? .null), ("author", .string(author)),
        ] + definition.versionColumns
        try db.execute(Self.insert(into: D.versionsTable, columns), columns.map(\.1))
    }

    private static func insert(into table: String, _ columns: [(String, MySQLValue)]) -> String {
        "INSERT INTO \(table) (\(columns.map(\.0).joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }
}
