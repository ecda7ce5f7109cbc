/// One binlog event, parsed from its raw bytes.
public enum BinlogEvent: Sendable {
    /// The stream continues in `file` at `position` (real at a file switch, artificial at connect).
    case rotate(file: String, position: UInt64)
    /// The start of a binlog file; `serverVersion` of the server that wrote it.
    case formatDescription(serverVersion: String)
    /// A table's description; rows events that follow refer to it by id.
    case tableMap(TableMap)
    /// Row changes of one table, decoded.
    case rows(RowsEvent)
    /// A statement: DDL, or `BEGIN`/`COMMIT` around non-transactional changes.
    case query(database: String, statement: String)
    /// The commit of a transaction.
    case xid(UInt64)
    /// The start of a transaction (MariaDB `domain-server-seq`, MySQL `uuid:n`).
    case gtid(String)
    /// The GTID state at the start of a binlog file (MariaDB).
    case gtidList(String)
    /// The server is idle; sent every heartbeat period.
    case heartbeat
    /// Any other event (ANNOTATE_ROWS, BINLOG_CHECKPOINT, …), by type code.
    case other(type: UInt8)
}
