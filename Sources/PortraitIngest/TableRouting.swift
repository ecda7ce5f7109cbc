/// Which tables the ingest captures, where their changes go, and what keys them.
public struct TableRouting: Sendable {
    /// `db.table` patterns with `*` wildcards; empty means every table. Default: empty.
    public var includes: [String]
    /// `db.table` patterns to leave out, applied after `includes`. Default: empty.
    public var excludes: [String]
    /// Topic prefix; a table's topic is `<prefix>.<db>.<table>`. Default: `portrait.cdc`.
    public var topicPrefix: String
    /// Topic per `db.table`, overriding the prefix. Default: empty.
    public var topics: [String: String]
    /// Key column per `db.table` (the user-id column); the primary key when absent. Default: empty.
    public var keyColumns: [String: String]

    /// Schemas that never hold application data.
    static let systemDatabases: Set<String> = ["mysql", "information_schema", "performance_schema", "sys"]

    public init(includes: [String] = [], excludes: [String] = [], topicPrefix: String = "portrait.cdc", topics: [String: String] = [:], keyColumns: [String: String] = [:]) {
        self.includes = includes
        self.excludes = excludes
        self.topicPrefix = topicPrefix
        self.topics = topics
        self.keyColumns = keyColumns
    }

    /// Whether changes of `database.table` are captured.
    public func includes(database: String, table: String) -> Bool {
        if Self.systemDatabases.contains(database.lowercased()) { return false }
        let name = "\(database).\(table)"
        if !includes.isEmpty && !includes.contains(where: { Self.matches(pattern: $0, name) }) { return false }
        return !excludes.contains { Self.matches(pattern: $0, name) }
    }

    public func topic(database: String, table: String) -> String {
        topics["\(database).\(table)"] ?? "\(topicPrefix).\(database).\(table)"
    }

    /// Indexes of the key columns: the configured key column, else the primary key.
    public func keyColumns(database: String, table: String, columnNames: [String], primaryKey: [Int]) -> [Int] {
        if let name = keyColumns["\(database).\(table)"], let index = columnNames.firstIndex(of: name) { return [index] }
        return primaryKey
    }

    /// Glob match where `*` matches any run of characters (including none).
    public static func matches(pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern.utf8), text = Array(text.utf8)
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && pattern[p] != UInt8(ascii: "*") && pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p; mark = t; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
