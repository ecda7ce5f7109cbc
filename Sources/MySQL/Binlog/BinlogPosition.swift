/// A place in the source's binlog: a file and a byte offset in it, and — on servers with
/// GTIDs — the GTID state at that place (MariaDB `domain-server-seq` per domain, comma-separated).
public struct BinlogPosition: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// The byte offset in `file` where the next event starts.
    public var offset: UInt64
    /// The GTID state of everything committed up to here, when the server has GTIDs.
    public var gtidSet: String?

    public init(file: String, offset: UInt64, gtidSet: String? = nil) {
        self.file = file
        self.offset = offset
        self.gtidSet = gtidSet
    }

    public var description: String { "\(file):\(offset)" + (gtidSet.map { " gtid \($0)" } ?? "") }

    /// Orders positions by file sequence number, then offset (file names end in `.NNNNNN`).
    public func isAtOrAfter(_ other: BinlogPosition) -> Bool {
        if file == other.file { return offset >= other.offset }
        return file > other.file  // same base name, zero-padded sequence numbers sort as text
    }
}
