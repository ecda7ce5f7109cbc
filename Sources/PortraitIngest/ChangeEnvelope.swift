import MySQL

/// One row change as Portrait publishes it; `ChangeEnvelope+JSON.swift` has the wire format.
///
/// Column names are shared by every envelope of a table version, and images are value
/// arrays in column order, so building an envelope copies no strings.
public struct ChangeEnvelope: Sendable {
    /// `c` insert, `u` update, `d` delete, `r` snapshot read.
    public enum Operation: String, Sendable { case create = "c", update = "u", delete = "d", read = "r" }

    /// Where the change is in the source binlog; for snapshot reads, the snapshot's position.
    /// `(file, offset, row)` is strictly increasing per row (docs/ENVELOPE.md, "Positions").
    public struct Position: Sendable, Equatable {
        public var file: String
        /// The end of the rows event (several rows share it); for snapshot reads, the snapshot's position.
        public var offset: UInt64
        /// The row's index within its rows event; for snapshot reads, the row's ordinal among
        /// all rows the snapshot transaction read.
        public var row: UInt64
        public var gtid: String?
        public init(file: String, offset: UInt64, row: UInt64 = 0, gtid: String?) { self.file = file; self.offset = offset; self.row = row; self.gtid = gtid }

        /// This position for row `index` of its rows event.
        public func row(_ index: Int) -> Position {
            var position = self
            position.row = UInt64(index)
            return position
        }
    }

    public var operation: Operation
    public var database: String
    public var table: String
    /// Column names in ordinal order, for `before` and `after`.
    public var columnNames: [String]
    /// Indexes of the primary key columns (or the configured key column).
    public var primaryKey: [Int]
    /// The before image (updates, deletes), decoded from the binlog bytes when the envelope
    /// was built from them (the pipeline's encoder never needs that).
    public var before: [MySQLValue]? {
        get { beforeImage?.values }
        set { beforeImage = newValue.map(Image.values) }
    }
    /// The after image (inserts, updates, reads).
    public var after: [MySQLValue]? {
        get { afterImage?.values }
        set { afterImage = newValue.map(Image.values) }
    }
    /// A row image as values, or as the binlog bytes it came in.
    enum Image: Sendable {
        case values([MySQLValue])
        case bytes(RowImage)

        var values: [MySQLValue] {
            switch self {
            case .values(let values): values
            // The reader already checked these bytes the way decoding does, so this cannot fail.
            case .bytes(let image): (try? image.values()) ?? []
            }
        }
    }
    var beforeImage: Image?
    var afterImage: Image?
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
        self.beforeImage = before.map(Image.values)
        self.afterImage = after.map(Image.values)
        self.timestampMs = timestampMs
        self.position = position
        self.schemaVersion = schemaVersion
    }

    /// An envelope whose images stay binlog bytes until someone asks for their values.
    init(operation: Operation, database: String, table: String, columnNames: [String], primaryKey: [Int], before: RowImage?, after: RowImage?, timestampMs: Int64, position: Position, schemaVersion: Int) {
        self.init(operation: operation, database: database, table: table, columnNames: columnNames, primaryKey: primaryKey, before: [MySQLValue]?.none, after: [MySQLValue]?.none,
                  timestampMs: timestampMs, position: position, schemaVersion: schemaVersion)
        beforeImage = before.map(Image.bytes)
        afterImage = after.map(Image.bytes)
    }

    /// The row image that identifies the row: `after` for inserts, updates and reads, `before` for deletes.
    public var currentImage: [MySQLValue]? { after ?? before }

    /// The value of `column` in the current image.
    public func value(_ column: String) -> MySQLValue? {
        guard let index = columnNames.firstIndex(of: column), let image = currentImage, index < image.count else { return nil }
        return image[index]
    }
}
