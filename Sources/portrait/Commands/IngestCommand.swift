import ArgumentParser
import Dispatch
import Foundation
import Logging
import PortraitConfig
import PortraitIngest

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

    @Option(help: "Replica server id to register with (must differ between concurrent readers).")
    var serverId: UInt32 = 0x5054

    @Option(help: "Name the position is saved under.")
    var name = "default"

    @Option(help: "Kafka key column for a table, as DB.TABLE=COLUMN (repeatable; default: the primary key).")
    var key: [String] = []

    @Flag(help: "Skip (and log with its position) an event that cannot be decoded, instead of stopping.")
    var skipUndecodable = false

    func run() throws {
        let configuration = try global.bootstrap()
        var keyColumns: [String: String] = [:]
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
            mysqlURL: configuration.mysql.url, kafkaBootstrap: brokers, output: output, untilEnd: untilEnd, includes: include,
            excludes: exclude, fromStart: fromStart, snapshot: !noSnapshot, serverId: serverId, ingestName: name, keyColumns: keyColumns,
            topicPrefix: "\(configuration.topicPrefix).cdc", stop: stop, onUndecodableEvent: skipUndecodable ? .skip : .stop)
        let signals = Self.stopOnSignals(stop)
        defer { signals.forEach { $0.cancel() } }
        do {
            try runIngest(options, logger: Logger(label: "portrait.ingest"))
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }

    /// SIGTERM and SIGINT ask the ingest to flush, save its position and return.
    private static func stopOnSignals(_ stop: IngestStopSignal) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.requestStop() }
            source.resume()
            return source
        }
    }
}
