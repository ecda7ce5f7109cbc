import MySQL

/// The last binlog position whose changes the sink acknowledged, per ingest, in Portrait's
/// metadata schema (`cdc_positions`). Saved only at commit boundaries after a flush, so a
/// restart resumes without a gap; duplicates come only from the last unacknowledged batch.
///
/// Every statement here is idempotent (a read, an upsert of a known value, a delete by key),
/// so each is run once more on a fresh connection when its connection turns out broken, as
/// after a restart of the metadata server.
public struct PositionStore: Sendable {
    public let pool: MySQLPool
    public let ingestName: String

    public init(pool: MySQLPool, ingestName: String) {
        self.pool = pool
        self.ingestName = ingestName
    }

    public init(connection: MySQLConnection, ingestName: String) {
        self.init(pool: MySQLPool(adopting: connection), ingestName: ingestName)
    }

    /// The saved position, `nil` when this ingest never saved one.
    public func load() throws -> BinlogPosition? {
        guard let row = try pool.withConnection(idempotent: true, { connection in try connection.query(
            "SELECT binlog_file, binlog_offset, gtid_set FROM cdc_positions WHERE ingest_name = ?", [.string(ingestName)]) }).first
        else { return nil }
        let file = try row.decode(String.self, "binlog_file")
        let offset = try row.decode(UInt64.self, "binlog_offset")
        let gtid = try row.decode(String?.self, "gtid_set")
        return BinlogPosition(file: file, offset: offset, gtidSet: gtid)
    }

    /// Saves `position` (upsert), with the source server id and the source commit time.
    public func save(_ position: BinlogPosition, sourceServerId: UInt32? = nil, sourceTimestampSeconds: UInt32? = nil) throws {
        try pool.withConnection(idempotent: true) { connection in try connection.execute("""
            INSERT INTO cdc_positions (ingest_name, source_server_id, binlog_file, binlog_offset, gtid_set, source_ts)
            VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?))
            ON DUPLICATE KEY UPDATE source_server_id = VALUES(source_server_id), binlog_file = VALUES(binlog_file),
              binlog_offset = VALUES(binlog_offset), gtid_set = VALUES(gtid_set), source_ts = VALUES(source_ts)
            """, [
                .string(ingestName), sourceServerId.map { .uint(UInt64($0)) } ?? .null, .string(position.file), .uint(position.offset),
                position.gtidSet.map { .string($0) } ?? .null, sourceTimestampSeconds.map { .uint(UInt64($0)) } ?? .null,
            ]) }
    }

    /// Forgets the saved position (the next run starts over).
    public func reset() throws {
        try pool.withConnection(idempotent: true) { connection in try connection.execute("DELETE FROM cdc_positions WHERE ingest_name = ?", [.string(ingestName)]) }
    }
}
