import Foundation
import Logging
import MySQL

/// Runs `portrait ingest`: to Kafka when `kafkaBootstrap` is set, else JSON lines to `output`.
/// Blocks until the binlog end (`untilEnd`), `options.stop`, or an error.
public func runIngest(_ options: IngestOptions, logger: Logger) throws {
    let configuration = try options.configuration()
    if let brokers = options.kafkaBootstrap {
        var pipeline = IngestPipeline(configuration: configuration, sink: try KafkaChangeSink(bootstrapServers: brokers, stop: options.stop, logger: logger), logger: logger)
        try pipeline.sink.producer.checkReachable()
        _ = try pipeline.run(stop: options.stop)
        return
    }
    guard let output = options.output else { throw IngestError.noDestination }
    let handle: FileHandle
    if output == "-" {
        handle = FileHandle.standardOutput
    } else {
        if !FileManager.default.fileExists(atPath: output) { _ = FileManager.default.createFile(atPath: output, contents: nil) }
        guard let file = FileHandle(forWritingAtPath: output) else { throw IngestError.cannotOpenOutput(path: output, reason: "not writable") }
        _ = try? file.seekToEnd()
        handle = file
    }
    var pipeline = IngestPipeline(configuration: configuration, sink: JSONLinesChangeSink(handle: handle), logger: logger)
    _ = try pipeline.run(stop: options.stop)
}
