import MySQL

/// What `portrait ingest` asks for, as the CLI parses it.
public struct IngestOptions: Sendable {
    /// The source, `mysql://user:password@host:port/database`; the database part names
    /// Portrait's metadata schema (default `portrait`).
    public var mysqlURL: String
    /// Kafka `host:port,…`; `nil` to write JSON lines to `output` instead.
    public var kafkaBootstrap: String?
    /// `-` for standard output, or a file path, for JSON lines; `nil` with Kafka.
    public var output: String?
    /// Stop at the binlog end current when streaming starts.
    public var untilEnd: Bool
    /// `db.table` patterns (`*` wildcards) overriding the configured table filter; empty = all.
    public var includes: [String]
    /// `db.table` patterns to leave out.
    public var excludes: [String]
    /// Read the oldest binlog on the server instead of the saved position (no snapshot).
    public var fromStart: Bool
    /// Take an initial snapshot when there is no saved position.
    public var snapshot: Bool
    /// The replica server id to register with.
    public var serverId: UInt32
    /// The name the position is saved under.
    public var ingestName: String
    /// Key column per `db.table` (default: the primary key).
    public var keyColumns: [String: String]
    /// Topic prefix (`<prefix>.<db>.<table>`).
    public var topicPrefix: String
    /// Topic per `db.table`, overriding the prefix (from the routing file).
    public var topics: [String: String]
    /// Trigger to stop a running ingest (e.g. from a SIGTERM handler).
    public var stop: IngestStopSignal
    /// Stop (default) or skip on an event that cannot be decoded.
    public var onUndecodableEvent: UndecodableEventPolicy

    public init(
        mysqlURL: String, kafkaBootstrap: String? = nil, output: String? = nil, untilEnd: Bool = false, includes: [String] = [],
        excludes: [String] = [], fromStart: Bool = false, snapshot: Bool = true, serverId: UInt32 = 0x5054, ingestName: String = "default",
        keyColumns: [String: String] = [:], topicPrefix: String = "portrait.cdc", topics: [String: String] = [:], stop: IngestStopSignal = IngestStopSignal(),
        onUndecodableEvent: UndecodableEventPolicy = .stop
    ) {
        self.onUndecodableEvent = onUndecodableEvent
        self.mysqlURL = mysqlURL
        self.kafkaBootstrap = kafkaBootstrap
        self.output = output
        self.untilEnd = untilEnd
        self.includes = includes
        self.excludes = excludes
        self.fromStart = fromStart
        self.snapshot = snapshot
        self.serverId = serverId
        self.ingestName = ingestName
        self.keyColumns = keyColumns
        self.topicPrefix = topicPrefix
        self.topics = topics
        self.stop = stop
    }

    /// The pipeline configuration these options describe.
    public func configuration() throws -> IngestConfiguration {
        let source = try MySQLConfiguration(url: mysqlURL)
        return IngestConfiguration(
            source: source, ingestName: ingestName, serverId: serverId,
            routing: TableRouting(includes: includes, excludes: excludes, topicPrefix: topicPrefix, topics: topics, keyColumns: keyColumns),
            untilEnd: untilEnd, fromStart: fromStart, snapshot: snapshot, onUndecodableEvent: onUndecodableEvent)
    }
}
