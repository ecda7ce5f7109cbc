import MySQL

/// Every table schema version the ingest published (`cdc_table_schemas`), so `schema_version`
/// keeps counting up across restarts and consumers can look up the columns of a version.
/// Its statements are idempotent (reads, `INSERT IGNORE`, a delete by key), so each runs once
/// more on a fresh connection when its connection broke.
public struct SchemaHistoryStore: Sendable {
    public let pool: MySQLPool
    public let ingestName: String

    public init(pool: MySQLPool, ingestName: String) {
        self.pool = pool
        self.ingestName = ingestName
    }

    public init(connection: MySQLConnection, ingestName: String) {
        self.init(pool: MySQLPool(adopting: connection), ingestName: ingestName)
    }

    /// The newest recorded version of each table: (database, table, version, column names).
    public func latest() throws -> [(database: String, table: String, version: Int, columnNames: [String])] {
        let rows = try pool.withConnection(idempotent: true) { connection in try connection.query("""
            SELECT s.db_name, s.table_name, s.schema_version, s.columns FROM cdc_table_schemas s
            JOIN (SELECT db_name, table_name, MAX(schema_version) AS v FROM cdc_table_schemas WHERE ingest_name = ? GROUP BY db_name, table_name) m
              ON m.db_name = s.db_name AND m.table_name = s.table_name AND m.v = s.schema_version
            WHERE s.ingest_name = ?
            """, [.string(ingestName), .string(ingestName)]) }
        var result: [(String, String, Int, [String])] = []
        for row in rows {
            let names = Self.names(fromColumnsJSON: try row.decode(String.self, "columns"))
            result.append((try row.decode(String.self, "db_name"), try row.decode(String.self, "table_name"), try row.decode(Int.self, "schema_version"), names))
        }
        return result
    }

    /// Records `version` of a table as first seen at `position`.
    public func record(database: String, table: String, version: Int, map: TableMap?, columnNames: [String], position: BinlogPosition?, gtid: String?) throws {
        var columns: [UInt8] = [UInt8(ascii: "[")]
        for (index, name) in columnNames.enumerated() {
            if index > 0 { columns.append(UInt8(ascii: ",")) }
            var writer = JSONWriter(capacity: 64)
            writer.beginObject()
            writer.key("name"); writer.string(name)
            if let map, index < map.columns.count {
                let column = map.columns[index]
                writer.key("type"); writer.int(Int64(column.type.rawValue))
                writer.key("unsigned"); writer.string(column.isUnsigned ? "true" : "false")
                writer.key("charset")
                if let collation = column.collation { writer.int(Int64(collation)) } else { writer.null() }
                writer.key("nullable"); writer.string(column.isNullable ? "true" : "false")
                writer.key("pk"); writer.string(map.primaryKey.contains(index) ? "true" : "false")
            }
            writer.endObject()
            columns += writer.bytes
        }
        columns.append(UInt8(ascii: "]"))
        let text = String(decoding: columns, as: UTF8.self)
        try pool.withConnection(idempotent: true) { connection in try connection.execute("""
            INSERT IGNORE INTO cdc_table_schemas (ingest_name, db_name, table_name, schema_version, columns, binlog_file, binlog_offset, gtid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [
                .string(ingestName), .string(database), .string(table), .int(Int64(version)), .string(text),
                position.map { .string($0.file) } ?? .null, position.map { .uint($0.offset) } ?? .null, gtid.map { .string($0) } ?? .null,
            ]) }
    }

    /// Forgets this ingest's schema history.
    public func reset() throws {
        try pool.withConnection(idempotent: true) { connection in try connection.execute("DELETE FROM cdc_table_schemas WHERE ingest_name = ?", [.string(ingestName)]) }
    }

    /// The `name` fields of a `columns` JSON array written by `record`.
    static func names(fromColumnsJSON text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let range = rest.range(of: #"{"name":""#) {
            rest = rest[range.upperBound...]
            var name = ""
            var escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped { name.append(character == "n" ? "\n" : character); escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == "\"" { break }
                name.append(character)
            }
            names.append(name)
        }
        return names
    }
}
