import ArgumentParser
import EventArchive
import Foundation
import Logging
import PortraitConfig
import PortraitCore
import PortraitProcessor

/// `portrait archive`: keeps every input in local gzip segments beyond Kafka's retention.
struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Copy every input topic into the history archive (history.archive_dir) for recomputes.",
        discussion: """
            Consumes the topics `portrait process` reads (config/profiles.yaml) in its own group and writes gzip \
            segments per topic, partition and UTC day; offsets are committed once segments are on disk. Days older \
            than history.archive_retention_days are removed. SIGTERM flushes and exits. See docs/RECOMPUTE.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Mapping of tables and topics to profiles (default: config/profiles.yaml).")
    var mapping: String?

    @Option(help: "Exit after this long without input once caught up (e.g. 3s), for tests and one-off copies.")
    var exitWhenIdle: String?

    @Option(help: "Flush segments at least this often (e.g. 10s).")
    var flushInterval = "10s"

    func run() throws {
        let configuration = try global.bootstrap()
        guard case .cluster(let brokers) = configuration.kafka else {
            throw ValidationError("kafka.brokers is `mock`: the archive reads a Kafka cluster")
        }
        var processor = ProcessorOptions(bootstrapServers: brokers, mapping: try ProcessorSetup.loadMapping(path: mapping))
        processor.topicPrefix = configuration.topicPrefix
        var options = EventArchiver.Options(bootstrapServers: brokers, topics: processor.inputTopics)
        options.retentionDays = configuration.archiveRetentionDays
        guard let interval = ProcessorSetup.milliseconds(flushInterval), interval > 0 else { throw ValidationError("--flush-interval must be like 10s") }
        options.flushIntervalMs = interval
        if let exitWhenIdle {
            guard let idle = ProcessorSetup.milliseconds(exitWhenIdle) else { throw ValidationError("--exit-when-idle must be like 3s") }
            options.exitWhenIdleMs = idle
        }
        let stop = StopFlag()
        let signals = onTerminationSignals { stop.set() }
        defer { signals.forEach { $0.cancel() } }
        options.shouldStop = { stop.isSet }
        do {
            try EventArchiver(options: options, store: EventArchiveStore(directory: configuration.archiveDirectory), logger: Logger(label: "portrait.archive")).run()
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}
