import MySQL

/// One row change as Portrait publishes it; `ChangeEnvelope+JSON.swift` has the wire format.
///
/// Column names are shared by every envelope of a table version, and images are value
/// arrays in column order, so building an envelope copies no strings.
public struct ChangeEnvelope: Sendable {
    /// `c` insert, `u` update, `d` delete, `r` snapshot read.
    public enum Operation: String, Sendable { case create = "c", update = "u", delete = "d", read = "r" }

    /// Where the change is in the source binlog; for snapshot reads, the snapshot's position.
    public struct Position: Sendable, Equatable {
        public var file: String
        public var offset: UInt64
        public var gtid: String?
        public init(file: String, offset: UInt64, gtid: String?) { self.file = file; self.offset = offset; self.gtid = gtid }
    }

    public var operation: Operation
    public var database: String
    public var table: String
    /// Column names in ordinal order, for `before` and `after`.
    public var columnNames: [String]
    /// Indexes of the primary key columns (or the configured key column).
    public var primaryKey: [Int]
    public var before: [MySQLValue]?
    public var after: [MySQLValue]?
    /// Commit time on the source, milliseconds since the epoch.
    public var timestampMs: Int64
    public var position: Position
    public var schemaVersion: Int

    public init(operation: Operation, database: String, table: String, columnNames: [String], primaryKey: [Int], before: [MySQLValue]?, after: [MySQLValue]?, timestampMs: Int64, position: Position, schemaVersion: Int) {
        self.operation = operation
        self.database = database
        self.table = table
        self.columnNames = columnNames
        self.primaryKey = primaryKey
        self.before = before
        self.after = after
        self.timestampMs = timestampMs
        self.position = position
        self.schemaVersion = schemaVersion
    }

    /// The row image that identifies the row: `after` for inserts, updates and reads, `before` for deletes.
    public var currentImage: [MySQLValue]? { after ?? before }

    /// The value of `column` in the current image.
    public func value(_ column: String) -> MySQLValue? {
        guard let index = columnNames.firstIndex(of: column), let image = currentImage, index < image.count else { return nil }
        return image[index]
    }
}
