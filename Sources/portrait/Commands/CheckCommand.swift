import ArgumentParser
import Kafka
import MySQL
import PortraitConfig
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import Redis

/// `portrait check`: proves each configured service answers, one line per service.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that MySQL, Redis and Kafka answer and that the history kept covers every metric window; one line each, non-zero exit if any fails.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds to wait for each service.")
    var timeout: Int = 5

    func run() throws {
        let configuration = try global.bootstrap()
        var failures = 0
        func report(_ name: String, _ check: () throws -> String) {
            do { print("ok    \(name): \(try check())") } catch {
                failures += 1
                print("FAIL  \(name): \(error)")
            }
        }
        report("mysql") {
            var mysql = configuration.mysql
            mysql.connectTimeoutSeconds = timeout
            let version = try MySQLConnection(configuration: mysql).query("SELECT VERSION() AS v").first?["v"]?.description ?? "?"
            return "\(mysql.endpoint) (server \(version))"
        }
        report("redis") {
            var redis = configuration.redis
            redis.timeoutMs = timeout * 1_000
            redis.reconnectAttempts = 1
            _ = try RedisConnection(configuration: redis).command("PING")
            return redis.endpoint
        }
        report("kafka") {
            guard case .cluster(let brokers) = configuration.kafka else { return "mock cluster (in process)" }
            try KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers, properties: ["log_level": "0"]))
                .checkReachable(timeoutMs: timeout * 1_000)
            return brokers
        }
        report("history") {
            let store = DefinitionStore(connection: try MySQLConnection(configuration: configuration.mysql))
            let metrics = try store.list(MetricDefinition.self, status: .active).map { ($0.definition.name, $0.definition.window) }
            let problems = HistoryRetention.problems(
                metrics: metrics, archiveRetentionDays: configuration.archiveRetentionDays, kafkaRetentionHours: configuration.kafkaRetentionHours)
            guard problems.isEmpty else { throw HistoryCheckFailure(problems: problems) }
            return configuration.archiveRetentionDays == 0
                ? "archive keeps everything (\(configuration.archiveDirectory)); \(metrics.count) active metrics"
                : "every window of \(metrics.count) active metrics within \(configuration.archiveRetentionDays)d"
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

private struct HistoryCheckFailure: Error, CustomStringConvertible {
    var problems: [String]
    var description: String { problems.joined(separator: "; ") + " — recomputes and backfills would compute these short" }
}
