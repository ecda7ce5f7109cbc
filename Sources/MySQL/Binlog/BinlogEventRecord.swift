/// An event with where it is in the binlog.
public struct BinlogEventRecord: Sendable {
    public let header: BinlogEventHeader
    public let event: BinlogEvent
    /// The end of this event; `gtidSet` is the state of what committed up to here.
    public let position: BinlogPosition
    /// The GTID of the transaction this event belongs to, when the server has GTIDs.
    public let transactionGTID: String?
    /// `true` when this event ends a transaction (XID, COMMIT, or a DDL statement): `position`
    /// is then a safe place to resume from.
    public let isCommit: Bool
}
