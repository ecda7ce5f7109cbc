/// The ingest's routing file (`config/ingest.yaml`): which tables, which topics, which key
/// columns, and the ingest's identity. Every field is optional; command-line flags override it.
/// `IngestRoutingConfiguration+Reader.swift` reads it from a parsed YAML document.
public struct IngestRoutingConfiguration: Sendable, Equatable {
    /// The name the position is saved under. Default: none (the command's `default`).
    public var ingestName: String?
    /// The replica server id. Default: none (the command's 21588).
    public var serverId: UInt32?
    /// Topic prefix; a table's topic is `<prefix>.<db>.<table>`. Default: none (`<kafka.topic_prefix>.cdc`).
    public var topicPrefix: String?
    /// `db.table` patterns (`*` wildcards) to capture; empty means every table. Default: empty.
    public var includes: [String]
    /// `db.table` patterns to leave out. Default: empty.
    public var excludes: [String]
    /// Kafka key column per `db.table` (the user-id column); the primary key when absent. Default: empty.
    public var keyColumns: [String: String]
    /// Topic per `db.table`, overriding the prefix. Default: empty.
    public var topics: [String: String]

    public init(
        ingestName: String? = nil, serverId: UInt32? = nil, topicPrefix: String? = nil, includes: [String] = [], excludes: [String] = [],
        keyColumns: [String: String] = [:], topics: [String: String] = [:]
    ) {
        self.ingestName = ingestName
        self.serverId = serverId
        self.topicPrefix = topicPrefix
        self.includes = includes
        self.excludes = excludes
        self.keyColumns = keyColumns
        self.topics = topics
    }
}
