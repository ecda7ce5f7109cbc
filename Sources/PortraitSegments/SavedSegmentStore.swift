import MySQL
import PortraitCore

/// Named, versioned segments in MySQL (migration 0006) and the sizes measured over time.
package struct SavedSegmentStore {
    package let connection: MySQLConnection

    package init(connection: MySQLConnection) {
        self.connection = connection
    }

    package struct Segment {
        package var name: String
        package var version: Int
        package var expression: String
        package var description: String?
        package var status: String
        package var createdAt: String
        package var updatedAt: String
    }

    package struct Size {
        package var measuredAt: String
        package var version: Int
        package var size: Int64
        package var population: Int64?
        package var tookMs: Int64?
    }

    /// Segment names follow the identifier rule of every other name (``Identifier``).
    package static func isValidName(_ name: String) -> Bool { Identifier.isValid(name) }

    package func list() throws -> [Segment] {
        try connection.query(Self.select + " ORDER BY s.name").map(Self.segment)
    }

    package func get(_ name: String) throws -> Segment? {
        try connection.query(Self.select + " WHERE s.name = ?", [.string(name)]).first.map(Self.segment)
    }

    /// Creates version 1; `nil` when the name is taken.
    package func create(name: String, expression: String, description: String?, author: String) throws -> Segment? {
        try connection.transaction { connection in
            guard try connection.query("SELECT id FROM segments WHERE name = ? FOR UPDATE", [.string(name)]).isEmpty else { return nil }
            let inserted = try connection.execute(
                "INSERT INTO segments (name, description, owner, current_version) VALUES (?, ?, ?, 1)",
                [.string(name), description.map(MySQLValue.string) ?? .null, .string(author)])
            try connection.execute(
                "INSERT INTO segment_versions (segment_id, version, expression, author) VALUES (?, 1, ?, ?)",
                [.int(Int64(inserted.lastInsertId)), .string(expression), .string(author)])
            return try SavedSegmentStore(connection: connection).get(name)
        }
    }

    /// Stores a new version (and reactivates a retired segment); `nil` when there is none.
    package func update(name: String, expression: String, description: String?, changeNote: String?, author: String) throws -> Segment? {
        try connection.transaction { connection in
            guard let row = try connection.query("SELECT id, current_version FROM segments WHERE name = ? FOR UPDATE", [.string(name)]).first else { return nil }
            let id = try row.decode(Int64.self, "id"), version = try row.decode(Int64.self, "current_version") + 1
            try connection.execute(
                "INSERT INTO segment_versions (segment_id, version, expression, change_note, author) VALUES (?, ?, ?, ?, ?)",
                [.int(id), .int(version), .string(expression), changeNote.map(MySQLValue.string) ?? .null, .string(author)])
            try connection.execute(
                "UPDATE segments SET current_version = ?, status = 'active', description = COALESCE(?, description) WHERE id = ?",
                [.int(version), description.map(MySQLValue.string) ?? .null, .int(id)])
            return try SavedSegmentStore(connection: connection).get(name)
        }
    }

    /// Retires a segment (its versions and sizes stay); false when there is none.
    package func retire(_ name: String) throws -> Bool {
        try connection.execute("UPDATE segments SET status = 'retired' WHERE name = ?", [.string(name)]).affectedRows > 0
            || (try get(name)) != nil
    }

    package func versions(_ name: String) throws -> [(version: Int, expression: String, author: String, changeNote: String?, createdAt: String)] {
        try connection.query("""
            SELECT v.version, v.expression, v.author, v.change_note, CAST(v.created_at AS CHAR) AS created_at
            FROM segment_versions v JOIN segments s ON s.id = v.segment_id WHERE s.name = ? ORDER BY v.version
            """, [.string(name)]).map { row in
            (Int(try row.decode(Int64.self, "version")), try row.decode(String.self, "expression"), try row.decode(String.self, "author"),
             try row.decode(String?.self, "change_note"), try row.decode(String.self, "created_at"))
        }
    }

    package func recordSize(_ name: String, version: Int, size: Int64, population: Int64, tookMs: Int64) throws -> Size? {
        guard let id = try connection.query("SELECT id FROM segments WHERE name = ?", [.string(name)]).first.map({ try $0.decode(Int64.self, "id") }) else { return nil }
        try connection.execute(
            "INSERT INTO segment_sizes (segment_id, measured_at, version, size, population, took_ms) VALUES (?, CURRENT_TIMESTAMP(6), ?, ?, ?, ?)",
            [.int(id), .int(Int64(version)), .int(size), .int(population), .int(tookMs)])
        return try sizes(name, limit: 1).last
    }

    /// The newest `limit` sizes, oldest first.
    package func sizes(_ name: String, limit: Int) throws -> [Size] {
        try connection.query("""
            SELECT CAST(z.measured_at AS CHAR) AS measured_at, z.version, z.size, z.population, z.took_ms
            FROM segment_sizes z JOIN segments s ON s.id = z.segment_id WHERE s.name = ?
            ORDER BY z.measured_at DESC LIMIT ?
            """, [.string(name), .int(Int64(limit))]).map { row in
            Size(measuredAt: try row.decode(String.self, "measured_at"), version: Int(try row.decode(Int64.self, "version")),
                 size: try row.decode(Int64.self, "size"), population: try row.decode(Int64?.self, "population"),
                 tookMs: try row.decode(Int64?.self, "took_ms"))
        }.reversed()
    }

    private static let select = """
        SELECT s.name, s.current_version, v.expression, s.description, s.status,
               CAST(s.created_at AS CHAR) AS created_at, CAST(s.updated_at AS CHAR) AS updated_at
        FROM segments s JOIN segment_versions v ON v.segment_id = s.id AND v.version = s.current_version
        """

    private static func segment(_ row: MySQLRow) throws -> Segment {
        Segment(
            name: try row.decode(String.self, "name"), version: Int(try row.decode(Int64.self, "current_version")),
            expression: try row.decode(String.self, "expression"), description: try row.decode(String?.self, "description"),
            status: try row.decode(String.self, "status"), createdAt: try row.decode(String.self, "created_at"),
            updatedAt: try row.decode(String.self, "updated_at"))
    }
}
