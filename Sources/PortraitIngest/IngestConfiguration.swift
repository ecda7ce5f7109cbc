import MySQL

/// Settings of one `IngestPipeline`.
public struct IngestConfiguration: Sendable {
    /// The source database (the user needs REPLICATION SLAVE and SELECT). Default: none (required).
    public var source: MySQLConfiguration
    /// Where Portrait's metadata schema (`cdc_positions`, …) lives. Default: `source` with database `portrait`.
    public var metadata: MySQLConfiguration
    /// The ingest's name: the key of its saved position. Default: `default`.
    public var ingestName: String
    /// The replica server id registered with the source. Default: 0x5054 (21588).
    public var serverId: UInt32
    /// Which tables, which topics, which key columns. Default: every table.
    public var routing: TableRouting
    /// Stop at the binlog end as it is when streaming starts. Default: `false`.
    public var untilEnd: Bool
    /// Read the oldest binlog on the server, ignoring the saved position and the snapshot. Default: `false`.
    public var fromStart: Bool
    /// Take an initial snapshot when there is no saved position. Default: `true`.
    public var snapshot: Bool
    /// Flush and save the position after this many row changes… Default: 10 000.
    public var batchRows: Int
    /// …or after this long at a commit boundary. Default: 200 ms.
    public var batchMilliseconds: Int
    /// Heartbeat period of an idle source (also the longest wait before a stop is noticed). Default: 1 s.
    public var heartbeatSeconds: Double
    /// What to do with an event that cannot be decoded. Default: `.stop`.
    public var onUndecodableEvent: UndecodableEventPolicy
    /// Resume from the saved GTID state instead of file + offset (MariaDB; survives a source
    /// whose binlog files were renumbered, e.g. after a failover). Default: `false`.
    public var resumeByGTID: Bool
    /// The longest wait between reconnect attempts when the source goes away (the first
    /// waits 0.2 s, each next one twice as long). Default: 30 s.
    public var maxReconnectDelaySeconds: Double

    public init(
        source: MySQLConfiguration, metadata: MySQLConfiguration? = nil, ingestName: String = "default", serverId: UInt32 = 0x5054,
        routing: TableRouting = TableRouting(), untilEnd: Bool = false, fromStart: Bool = false, snapshot: Bool = true,
        batchRows: Int = 10_000, batchMilliseconds: Int = 200, heartbeatSeconds: Double = 1,
        onUndecodableEvent: UndecodableEventPolicy = .stop, resumeByGTID: Bool = false, maxReconnectDelaySeconds: Double = 30
    ) {
        self.onUndecodableEvent = onUndecodableEvent
        self.resumeByGTID = resumeByGTID
        self.maxReconnectDelaySeconds = maxReconnectDelaySeconds
        self.source = source
        var metadataConfiguration = metadata ?? source
        if metadata == nil { metadataConfiguration.database = source.database ?? "portrait" }
        self.metadata = metadataConfiguration
        self.ingestName = ingestName
        self.serverId = serverId
        self.routing = routing
        self.untilEnd = untilEnd
        self.fromStart = fromStart
        self.snapshot = snapshot
        self.batchRows = batchRows
        self.batchMilliseconds = batchMilliseconds
        self.heartbeatSeconds = heartbeatSeconds
    }
}
