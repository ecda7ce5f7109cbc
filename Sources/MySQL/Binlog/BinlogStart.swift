/// Where a binlog stream starts.
public enum BinlogStart: Sendable, Equatable {
    /// The end of the binlog now (`SHOW MASTER STATUS`).
    case current
    /// The oldest binlog file still on the server.
    case oldest
    /// A file and offset (a commit boundary).
    case position(file: String, offset: UInt64)
    /// A MariaDB GTID state `domain-server-seq,…` (every domain listed): the stream starts after it.
    case gtid(String)
}
