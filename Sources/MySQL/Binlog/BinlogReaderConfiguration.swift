/// Settings of a `BinlogReader`.
public struct BinlogReaderConfiguration: Sendable {
    /// The source server; the user needs REPLICATION SLAVE. Default: none (required).
    public var connection: MySQLConfiguration
    /// The replica server id this reader registers with; must be unique among the source's
    /// replicas. Default: 0x5054 (21588).
    public var serverId: UInt32
    /// Where to start. Default: `.current`.
    public var start: BinlogStart
    /// End the stream at the binlog's end instead of waiting for new events
    /// (`MARIADB_RPL_BINLOG_DUMP_NON_BLOCK`). Default: `false`.
    public var stopAtEnd: Bool
    /// How often an idle source sends a heartbeat. Default: 5 s.
    public var heartbeatSeconds: Double
    /// The GTID state at a `.position` start (e.g. saved with it), so positions reported later
    /// carry the full state rather than only the domains seen since. Default: none.
    public var startGTIDState: String?
    /// Rows decoded to values, or kept as bytes for a direct encoder. Default: `.decoded`.
    public var rowValues: BinlogRowValues

    public init(
        connection: MySQLConfiguration, serverId: UInt32 = 0x5054, start: BinlogStart = .current, stopAtEnd: Bool = false, heartbeatSeconds: Double = 5,
        startGTIDState: String? = nil, rowValues: BinlogRowValues = .decoded
    ) {
        self.rowValues = rowValues
        self.startGTIDState = startGTIDState
        self.connection = connection
        self.serverId = serverId
        self.start = start
        self.stopAtEnd = stopAtEnd
        self.heartbeatSeconds = heartbeatSeconds
    }
}
