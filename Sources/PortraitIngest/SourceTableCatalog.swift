import MySQL

/// A source table's columns from its `information_schema`, for binlogs whose TABLE_MAP events
/// carry no names (MySQL 5.7, `binlog_row_metadata=MINIMAL`), and the check that makes them
/// safe to use: `information_schema` shows the table as it is now, which is the table at an
/// older binlog position only when no DDL on it was logged between that position and now.
public struct SourceTableCatalog {
    /// One table's columns and primary key (column indexes) as `information_schema` shows them.
    public struct Description: Sendable, Equatable {
        public var columns: [SourceColumn]
        public var primaryKey: [Int]
    }

    public let connection: MySQLConnection

    public init(connection: MySQLConnection) {
        self.connection = connection
    }

    /// The columns of `database.table` now.
    public func describe(database: String, table: String) throws(MySQLError) -> Description {
        // BINARY/VARBINARY/BLOB have no collation: they hold bytes (collation 63, `binary`).
        let rows = try connection.query("""
            SELECT c.COLUMN_NAME AS name, c.DATA_TYPE AS data_type, c.COLUMN_TYPE AS column_type, c.IS_NULLABLE AS nullable, co.ID AS collation_id
            FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME
            WHERE c.TABLE_SCHEMA = ? AND c.TABLE_NAME = ? ORDER BY c.ORDINAL_POSITION
            """, [.string(database), .string(table)])
        var columns: [SourceColumn] = []
        for row in rows {
            let dataType = try row.decode(String.self, "data_type").lowercased()
            let columnType = try row.decode(String.self, "column_type").lowercased()
            var collation = try row.decode(Int?.self, "collation_id")
            if collation == nil, ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"].contains(dataType) { collation = 63 }
            columns.append(SourceColumn(
                name: try row.decode(String.self, "name"), dataType: dataType, isUnsigned: columnType.contains("unsigned"),
                isNullable: try row.decode(String.self, "nullable") == "YES", collation: collation,
                enumValues: dataType == "enum" || dataType == "set" ? SourceColumn.enumValues(fromColumnType: try row.decode(String.self, "column_type")) : []))
        }
        var primaryKey: [Int] = []
        for key in try connection.query("""
            SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
            WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION
            """, [.string(database), .string(table)]) {
            if let index = columns.firstIndex(where: { $0.name == (try? key.decode(String.self, "c")) }) { primaryKey.append(index) }
        }
        return Description(columns: columns, primaryKey: primaryKey)
    }

    /// The position of the first DDL statement on `database.table` logged after `position` and
    /// before `end`, `nil` when there is none. Reads `SHOW BINLOG EVENTS` (BINLOG MONITOR).
    public func firstDDL(on database: String, table: String, after position: BinlogPosition, before end: BinlogPosition) throws -> BinlogPosition? {
        var files: [String] = []
        for row in try connection.query("SHOW BINARY LOGS") {
            if let name = row.values.first.flatMap(String.init(mysqlValue:)), name >= position.file, name <= end.file { files.append(name) }
        }
        for file in files {
            // SHOW BINLOG EVENTS takes no placeholders: allow only binlog file name characters.
            guard !file.isEmpty, file.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
                throw IngestError.columnsUnknown(table: "\(database).\(table)", position: position, reason: "unexpected binlog file name \(file)")
            }
            let from = file == position.file ? position.offset : 4
            for event in try connection.query("SHOW BINLOG EVENTS IN '\(file)' FROM \(from)") {
                let offset = try event.decode(UInt64.self, "Pos")
                if file == end.file && offset >= end.offset { return nil }
                guard try event.decode(String.self, "Event_type") == "Query" else { continue }
                let (defaultDatabase, statement) = Self.splitUse(try event.decode(String.self, "Info"))
                guard let ddl = DDLStatement.parse(statement, defaultDatabase: defaultDatabase ?? "") else { continue }
                if ddl.changes.contains(where: { $0.touches(database: database, table: table) }) { return BinlogPosition(file: file, offset: offset) }
            }
        }
        return nil
    }

    /// `use `db`; statement` as SHOW BINLOG EVENTS prints a QUERY event → (db, statement).
    static func splitUse(_ info: String) -> (String?, String) {
        guard info.hasPrefix("use `"), let end = info.range(of: "`; ") else { return (nil, info) }
        let name = info[info.index(info.startIndex, offsetBy: 5)..<end.lowerBound].replacingOccurrences(of: "``", with: "`")
        return (name, String(info[end.upperBound...]))
    }
}

extension DDLStatement.Change {
    /// Whether this change alters, creates, drops or renames `database.table`.
    func touches(database: String, table: String) -> Bool {
        switch self {
        case .altered(let d, let t), .created(let d, let t), .dropped(let d, let t): d == database && t == table
        case .renamed(let fd, let ft, let td, let tt): (fd == database && ft == table) || (td == database && tt == table)
        }
    }
}
