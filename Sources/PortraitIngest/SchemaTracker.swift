import MySQL

/// The column names and schema version of every table the ingest has seen.
///
/// With `binlog_row_metadata=FULL` each TABLE_MAP carries the column names, so rows are always
/// named by the TABLE_MAP that precedes them and can never be decoded against a stale schema.
/// DDL statements (ALTER/CREATE/DROP/RENAME TABLE) bump the table's `schema_version`, so
/// consumers see where a table changed; a TABLE_MAP whose columns differ from the last one
/// also bumps it (e.g. DDL that happened while the ingest was stopped).
public struct SchemaTracker: Sendable {
    /// One table's current schema.
    public struct TableSchema: Sendable, Equatable {
        public var version: Int
        public var columnNames: [String]
        public var primaryKey: [Int]
    }

    private var tables: [TableKey: TableSchema] = [:]
    private var pendingDDL: Set<TableKey> = []

    public init() {}

    /// The schema for the rows that follow `map`, updated from its column names.
    public mutating func observe(_ map: TableMap) -> TableSchema {
        let key = TableKey(database: map.database, table: map.table)
        let names = map.columns.enumerated().map { $0.element.name ?? "col_\($0.offset)" }
        if var known = tables[key] {
            if known.columnNames != names || known.primaryKey != map.primaryKey || pendingDDL.contains(key) {
                if known.columnNames != names || pendingDDL.contains(key) { known.version += 1 }
                known.columnNames = names
                known.primaryKey = map.primaryKey
                tables[key] = known
            }
            pendingDDL.remove(key)
            return known
        }
        pendingDDL.remove(key)
        let schema = TableSchema(version: 1, columnNames: names, primaryKey: map.primaryKey)
        tables[key] = schema
        return schema
    }

    /// The schema of `database.table`, if seen.
    public func schema(database: String, table: String) -> TableSchema? { tables[TableKey(database: database, table: table)] }

    /// Seeds a table's schema (from a snapshot or the stored schema history).
    public mutating func seed(database: String, table: String, schema: TableSchema) {
        tables[TableKey(database: database, table: table)] = schema
    }

    /// Applies a QUERY event; returns the tables whose schema the statement changes.
    @discardableResult
    public mutating func apply(statement: String, defaultDatabase: String) -> [DDLStatement.Change] {
        guard let ddl = DDLStatement.parse(statement, defaultDatabase: defaultDatabase) else { return [] }
        for change in ddl.changes {
            switch change {
            case .altered(let database, let table), .created(let database, let table):
                let key = TableKey(database: database, table: table)
                if tables[key] != nil { pendingDDL.insert(key) }
            case .dropped(let database, let table):
                let key = TableKey(database: database, table: table)
                if var known = tables[key] {
                    // Keep the version so a re-created table continues the sequence.
                    known.columnNames = []
                    tables[key] = known
                    pendingDDL.insert(key)
                }
            case .renamed(let fromDatabase, let fromTable, let toDatabase, let toTable):
                let from = TableKey(database: fromDatabase, table: fromTable)
                if var known = tables.removeValue(forKey: from) {
                    known.version += 1
                    tables[TableKey(database: toDatabase, table: toTable)] = known
                }
            }
        }
        return ddl.changes
    }

    private struct TableKey: Hashable, Sendable {
        var database: String
        var table: String
    }
}
