import MySQL

/// Where an initial snapshot stands (`cdc_snapshots`, `cdc_snapshot_progress`), so an
/// interrupted snapshot resumes: tables already read are skipped, a table read in part resumes
/// after the last primary key Kafka acknowledged (`last_pk`), the rest is read in a new
/// transaction, and streaming starts at the first snapshot's position (the changes since then
/// are replayed, so nothing is missed — at-least-once).
public struct SnapshotProgressStore: Sendable {
    public let connection: MySQLConnection
    public let ingestName: String

    public init(connection: MySQLConnection, ingestName: String) {
        self.connection = connection
        self.ingestName = ingestName
    }

    /// The position of an unfinished snapshot, `nil` when none is running.
    public func runningSnapshot() throws(MySQLError) -> BinlogPosition? {
        guard let row = try connection.query(
            "SELECT binlog_file, binlog_offset, gtid_set FROM cdc_snapshots WHERE ingest_name = ? AND status = 'running'", [.string(ingestName)]).first
        else { return nil }
        return BinlogPosition(
            file: try row.decode(String.self, "binlog_file"), offset: try row.decode(UInt64.self, "binlog_offset"),
            gtidSet: try row.decode(String?.self, "gtid_set"))
    }

    /// `db.table` names whose snapshot finished.
    public func finishedTables() throws(MySQLError) -> Set<String> {
        var names: Set<String> = []
        for row in try connection.query("SELECT db_name, table_name FROM cdc_snapshot_progress WHERE ingest_name = ? AND done = 1", [.string(ingestName)]) {
            names.insert(try row.decode(String.self, "db_name") + "." + row.decode(String.self, "table_name"))
        }
        return names
    }

    /// Where each table read in part stopped: `db.table` → the last acknowledged primary key
    /// and the rows read up to it.
    public func resumePoints() throws(MySQLError) -> [String: (key: SnapshotKey, rows: Int)] {
        var points: [String: (key: SnapshotKey, rows: Int)] = [:]
        for row in try connection.query("""
            SELECT db_name, table_name, CAST(last_pk AS CHAR) AS last_pk, rows_read FROM cdc_snapshot_progress
            WHERE ingest_name = ? AND done = 0 AND last_pk IS NOT NULL
            """, [.string(ingestName)]) {
            guard let key = SnapshotKey(json: try row.decode(String.self, "last_pk")) else { continue }  // unreadable: read the table again
            points[try row.decode(String.self, "db_name") + "." + row.decode(String.self, "table_name")] = (key, try row.decode(Int.self, "rows_read"))
        }
        return points
    }

    /// Records that a table's rows up to `lastKey` (`rows` in all) were acknowledged.
    public func saveResumePoint(database: String, table: String, lastKey: SnapshotKey, rows: Int) throws(MySQLError) {
        try connection.execute("""
            INSERT INTO cdc_snapshot_progress (ingest_name, db_name, table_name, last_pk, rows_read, done) VALUES (?, ?, ?, ?, ?, 0)
            ON DUPLICATE KEY UPDATE last_pk = VALUES(last_pk), rows_read = VALUES(rows_read)
            """, [.string(ingestName), .string(database), .string(table), .string(lastKey.json), .uint(UInt64(rows))])
    }

    /// Records a new snapshot at `position`, forgetting any earlier one.
    public func begin(at position: BinlogPosition) throws(MySQLError) {
        try connection.execute("DELETE FROM cdc_snapshot_progress WHERE ingest_name = ?", [.string(ingestName)])
        try connection.execute("""
            REPLACE INTO cdc_snapshots (ingest_name, binlog_file, binlog_offset, gtid_set, status) VALUES (?, ?, ?, ?, 'running')
            """, [.string(ingestName), .string(position.file), .uint(position.offset), position.gtidSet.map { .string($0) } ?? .null])
    }

    /// Marks one table read (after its rows were flushed to the sink).
    public func finishTable(database: String, table: String, rows: Int) throws(MySQLError) {
        try connection.execute("""
            INSERT INTO cdc_snapshot_progress (ingest_name, db_name, table_name, rows_read, done, finished_at) VALUES (?, ?, ?, ?, 1, NOW(6))
            ON DUPLICATE KEY UPDATE rows_read = VALUES(rows_read), done = 1, finished_at = VALUES(finished_at)
            """, [.string(ingestName), .string(database), .string(table), .uint(UInt64(rows))])
    }

    /// Marks the snapshot complete.
    public func finish() throws(MySQLError) {
        try connection.execute("UPDATE cdc_snapshots SET status = 'done', finished_at = NOW(6) WHERE ingest_name = ?", [.string(ingestName)])
    }

    /// Forgets every snapshot record of this ingest.
    public func reset() throws(MySQLError) {
        try connection.execute("DELETE FROM cdc_snapshot_progress WHERE ingest_name = ?", [.string(ingestName)])
        try connection.execute("DELETE FROM cdc_snapshots WHERE ingest_name = ?", [.string(ingestName)])
    }
}
