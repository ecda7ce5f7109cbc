import ArgumentParser
import Dispatch
import Foundation
import Logging
import PortraitConfig
import PortraitIngest
import Yams

/// `portrait ingest`: MySQL/MariaDB row changes (snapshot, then binlog) into Kafka.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Stream MySQL/MariaDB row changes (snapshot, then binlog) into Kafka, keyed by user.",
        discussion: "Resumes from the last position Kafka acknowledged. SIGTERM flushes, saves the position and exits.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Write envelopes as JSON lines to this file (`-` for stdout) instead of Kafka.")
    var output: String?

    @Flag(help: "Stop at the binlog end position current at start.")
    var untilEnd = false

    @Option(help: "Only these tables, as DB.TABLE with `*` wildcards (repeatable).")
    var include: [String] = []

    @Option(help: "Leave out these tables, as DB.TABLE with `*` wildcards (repeatable).")
    var exclude: [String] = []

    @Flag(help: "Read from the oldest binlog on the server instead of the saved position (no snapshot).")
    var fromStart = false

    @Flag(help: "Do not take an initial snapshot when there is no saved position.")
    var noSnapshot = false

    @Option(help: "Replica server id to register with (must differ between concurrent readers; default: the routing file's, else 21588).")
    var serverId: UInt32?

    @Option(help: "Name the position is saved under (default: the routing file's, else `default`).")
    var name: String?

    @Option(help: "Kafka key column for a table, as DB.TABLE=COLUMN (repeatable; default: the primary key).")
    var key: [String] = []

    @Flag(help: "Skip (and log with its position) an event that cannot be decoded, instead of stopping.")
    var skipUndecodable = false

    @Option(help: "Routing file: tables, topics, key columns, name, server id (default: config/ingest.yaml when present). Flags override it.")
    var routing: String?

    @Option(help: "Serve Prometheus metrics on GET /metrics at this host:port (e.g. 127.0.0.1:9464).")
    var metricsAddr: String?

    func run() throws {
        let configuration = try global.bootstrap()
        let file: IngestRoutingConfiguration
        do {
            file = try Self.loadRouting(path: routing)
        } catch {
            throw CleanExit.message("error: \(error)", code: 78)  // EX_CONFIG
        }
        // The file's keys first, then each --key replaces its table's.
        var keyColumns = file.keyColumns
        for pair in key {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].contains(".") else { throw ValidationError("--key must be DB.TABLE=COLUMN, got \(pair)") }
            keyColumns[String(parts[0])] = String(parts[1])
        }
        var brokers: String?
        if output == nil {
            guard case .cluster(let list) = configuration.kafka else {
                throw ValidationError("kafka.brokers is `mock`: run `portrait kafka-mock`, set PORTRAIT_KAFKA_BROKERS to the address it prints, or use --output -")
            }
            brokers = list
        }
        let stop = IngestStopSignal()
        let options = IngestOptions(
            mysqlURL: configuration.mysql.url, kafkaBootstrap: brokers, output: output, untilEnd: untilEnd,
            includes: include.isEmpty ? file.includes : include,
            excludes: exclude.isEmpty ? file.excludes : exclude, fromStart: fromStart, snapshot: !noSnapshot,
            serverId: serverId ?? file.serverId ?? 0x5054, ingestName: name ?? file.ingestName ?? "default", keyColumns: keyColumns,
            topicPrefix: file.topicPrefix ?? "\(configuration.topicPrefix).cdc", topics: file.topics, stop: stop,
            onUndecodableEvent: skipUndecodable ? .skip : .stop)
        let endpoint: MetricsEndpoint?
        do { endpoint = try metricsAddr.map { try MetricsEndpoint.prometheus(on: $0, logger: Logger(label: "portrait.ingest")) } } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
        defer { withExtendedLifetime(endpoint) {} }
        let signals = onTerminationSignals { stop.requestStop() }
        defer { signals.forEach { $0.cancel() } }
        do {
            try runIngest(options, logger: Logger(label: "portrait.ingest"))
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }

    /// The routing file at `path`, or `config/ingest.yaml` when `path` is nil and that file
    /// exists; nothing configured otherwise. A file given explicitly must exist.
    static func loadRouting(path: String?) throws -> IngestRoutingConfiguration {
        let file = path ?? "config/ingest.yaml"
        guard FileManager.default.fileExists(atPath: file) else {
            if path == nil { return IngestRoutingConfiguration() }
            throw IngestRoutingError(file: file, key: "(file)", problem: "no such file")
        }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw IngestRoutingError(file: file, key: "(file)", problem: "not valid YAML: \(error)")
        }
        return try IngestRoutingConfiguration(document: document, file: file)
    }
}
