import MySQL

/// The initial snapshot: every captured table read in primary-key order inside one
/// `START TRANSACTION WITH CONSISTENT SNAPSHOT` (REPEATABLE READ, no global lock), with the
/// binlog position that matches the snapshot read in the same transaction — MariaDB's
/// `binlog_snapshot_file`/`_position` status, else `SHOW MASTER STATUS`.
public struct SnapshotReader {
    /// A table to read, with its columns and primary key from `information_schema`.
    public struct Table: Sendable, Equatable {
        public var database: String
        public var table: String
        public var columnNames: [String]
        public var primaryKey: [Int]
    }

    public let connection: MySQLConnection
    public let routing: TableRouting

    /// `connection` must be dedicated to the snapshot (it holds the transaction open).
    public init(connection: MySQLConnection, routing: TableRouting) {
        self.connection = connection
        self.routing = routing
    }

    /// The base tables the routing captures.
    public func tables() throws(MySQLError) -> [Table] {
        var result: [Table] = []
        let rows = try connection.query("""
            SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t FROM information_schema.TABLES
            WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME
            """)
        for row in rows {
            let database = try row.decode(String.self, "db"), table = try row.decode(String.self, "t")
            guard routing.includes(database: database, table: table) else { continue }
            let columns = try connection.query(
                "SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                [.string(database), .string(table)])
            var names: [String] = []
            for column in columns { names.append(try column.decode(String.self, "c")) }
            let keys = try connection.query("""
                SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
                WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION
                """, [.string(database), .string(table)])
            var primaryKey: [Int] = []
            for key in keys {
                if let index = names.firstIndex(of: try key.decode(String.self, "c")) { primaryKey.append(index) }
            }
            result.append(Table(database: database, table: table, columnNames: names, primaryKey: primaryKey))
        }
        return result
    }

    /// Reads `tables` in one consistent snapshot, handing each row to `emit` (return `false`
    /// to abandon the snapshot) and calling `tableDone` after each table with its row count.
    /// A table with a key in `resumeAfter` (`db.table`) is read from the row after that
    /// primary key. Returns the binlog position the snapshot corresponds to, `nil` when abandoned.
    public func read(
        _ tables: [Table], resumeAfter: [String: SnapshotKey] = [:], position: ((BinlogPosition) throws -> Void)? = nil,
        tableDone: ((Table, Int) throws -> Void)? = nil, emit: (Table, [MySQLValue]) throws -> Bool
    ) throws -> BinlogPosition? {
        try connection.executeText("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        try connection.executeText("START TRANSACTION WITH CONSISTENT SNAPSHOT")
        do {
            let snapshotPosition = try consistentPosition()
            try position?(snapshotPosition)
            for table in tables {
                let columns = table.columnNames.map(Self.quoted).joined(separator: ", ")
                let order = table.primaryKey.isEmpty ? "" : " ORDER BY " + table.primaryKey.map { Self.quoted(table.columnNames[$0]) }.joined(separator: ", ")
                var failure: Error?
                var abandoned = false
                var rows = 0
                let resume = resumeAfter[table.database + "." + table.table].flatMap { Self.after($0, in: table) }
                try connection.streamWhile(
                    "SELECT \(columns) FROM \(Self.quoted(table.database)).\(Self.quoted(table.table))\(resume?.condition ?? "")\(order)", resume?.parameters ?? []
                ) { row in
                    do {
                        rows += 1
                        abandoned = try !emit(table, row.values)
                        return !abandoned
                    } catch {
                        failure = error
                        return false
                    }
                }
                if let failure { throw failure }
                if abandoned {
                    try connection.executeText("ROLLBACK")
                    return nil
                }
                try tableDone?(table, rows)
            }
            try connection.executeText("COMMIT")
            return snapshotPosition
        } catch {
            try? connection.executeText("ROLLBACK")
            throw error
        }
    }

    /// The binlog position matching the open snapshot.
    private func consistentPosition() throws(MySQLError) -> BinlogPosition {
        let rows = try connection.query("""
            SELECT VARIABLE_NAME AS n, VARIABLE_VALUE AS v FROM information_schema.SESSION_STATUS
            WHERE VARIABLE_NAME IN ('BINLOG_SNAPSHOT_FILE', 'BINLOG_SNAPSHOT_POSITION')
            """)
        var file: String?, offset: UInt64?
        for row in rows {
            let name = try row.decode(String.self, "n"), value = try row.decode(String.self, "v")
            if name == "BINLOG_SNAPSHOT_FILE" { file = value } else { offset = UInt64(value) }
        }
        if let file, let offset, !file.isEmpty { return BinlogPosition(file: file, offset: offset) }
        return try BinlogReader.currentPosition(connection)  // MySQL: no snapshot-consistent status
    }

    /// ` WHERE` rows after `key` in primary-key order, spelled out column by column
    /// (`k1 > ? OR (k1 = ? AND k2 > ?)`) so the server reads it as a range of the key;
    /// `nil` when the table has no primary key or the key does not fit it.
    static func after(_ key: SnapshotKey, in table: Table) -> (condition: String, parameters: [MySQLValue])? {
        guard !table.primaryKey.isEmpty, key.values.count == table.primaryKey.count else { return nil }
        let names = table.primaryKey.map { quoted(table.columnNames[$0]) }
        var alternatives: [String] = []
        var parameters: [MySQLValue] = []
        for last in names.indices {
            var terms: [String] = []
            for index in 0..<last {
                terms.append("\(names[index]) = ?")
                parameters.append(key.values[index])
            }
            terms.append("\(names[last]) > ?")
            parameters.append(key.values[last])
            alternatives.append("(" + terms.joined(separator: " AND ") + ")")
        }
        return (" WHERE " + alternatives.joined(separator: " OR "), parameters)
    }

    static func quoted(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }
}
