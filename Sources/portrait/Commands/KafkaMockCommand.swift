import ArgumentParser
import Foundation
import Kafka

/// `portrait kafka-mock`: hosts librdkafka's mock cluster in a process of its own, so tests and
/// demos can kill the processes that use it without losing the cluster.
struct KafkaMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka-mock",
        abstract: "Run an in-memory mock Kafka cluster; prints its bootstrap servers, runs until stdin closes or SIGTERM.")

    @Option(help: "Number of brokers.")
    var brokers: Int = 3

    @Option(help: "Topics to create first, as name:partitions (repeatable).")
    var topic: [String] = []

    @Option(help: "Also write the bootstrap servers to this file.")
    var bootstrapFile: String?

    @Flag(help: "Exit when stdin reaches end of file (for a parent process that owns the cluster).")
    var exitOnStdinClose = false

    func run() throws {
        let cluster = try KafkaMockCluster(brokers: brokers)
        for spec in topic {
            let parts = spec.split(separator: ":")
            guard parts.count == 2, let partitions = Int(parts[1]), partitions > 0 else {
                throw ValidationError("--topic must be name:partitions, got \(spec)")
            }
            try cluster.createTopic(String(parts[0]), partitions: partitions)
        }
        if let bootstrapFile { try cluster.bootstrapServers.write(toFile: bootstrapFile, atomically: true, encoding: .utf8) }
        // Unbuffered: the parent reads this line from a pipe before anything else happens.
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        // Live until a signal ends us (default action), or stdin closes when asked to watch it.
        if exitOnStdinClose {
            while !FileHandle.standardInput.availableData.isEmpty {}
        } else {
            while true { sleep(3_600) }
        }
        withExtendedLifetime(cluster) {}
    }
}
