import Foundation
import Kafka
import Logging
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// End-to-end lag, MySQL commit → Kafka acknowledgement, under a steady insert load. Runs only
/// when PORTRAIT_CDC_BENCH_LAG_SECONDS is set:
///
///     PORTRAIT_CDC_BENCH_LAG_SECONDS=10 swift test -c release --filter IngestLag
@Suite("Ingest lag (benchmark)", .serialized)
struct IngestLagBenchmark {
    static let seconds = Double(ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_LAG_SECONDS"] ?? "") ?? 0

    /// Wraps the Kafka sink: when a flush returns (every message acknowledged), records
    /// now − the row's commit time (its `t DATETIME(6) DEFAULT NOW(6)` column, UTC).
    struct LagRecordingSink<Inner: ChangeSink>: ChangeSink {
        var inner: Inner
        var pending: [Int64] = []
        let lags: LagLog

        mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
            try inner.write(envelope, json: json, topic: topic, key: key)
            if case .datetime(let time)? = envelope.value("t") { pending.append(Self.epochMicroseconds(time)) }
        }

        mutating func flush() throws {
            let started = Int64(Date().timeIntervalSince1970 * 1_000_000)
            try inner.flush()
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            if !pending.isEmpty { lags.flushes.withLock { $0.append(now - started) } }
            let batch = pending
            lags.values.withLock { lags in lags.append(contentsOf: batch.map { now - $0 }) }
            lags.commits.withLock { $0.append(contentsOf: batch) }
            pending.removeAll(keepingCapacity: true)
        }

        static func epochMicroseconds(_ time: MySQLDateTime) -> Int64 {
            // Days from civil (Howard Hinnant), then seconds and microseconds.
            let year = time.date.month <= 2 ? time.date.year - 1 : time.date.year
            let era = (year >= 0 ? year : year - 399) / 400
            let yearOfEra = year - era * 400
            let month = time.date.month
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + time.date.day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = Int64(era * 146_097 + dayOfEra - 719_468)
            return (days * 86_400 + Int64(time.hour * 3600 + time.minute * 60 + time.second)) * 1_000_000 + Int64(time.microsecond)
        }
    }

    final class LagLog: Sendable {
        let values = Mutex<[Int64]>([])
        let flushes = Mutex<[Int64]>([])
        let commits = Mutex<[Int64]>([])
    }

    @Test(.enabled(if: seconds > 0)) func commitToAcknowledgementLag() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let (database, db) = try CDCTestServices.scratchDatabase("lag")
        try db.executeText("CREATE TABLE e (id BIGINT PRIMARY KEY AUTO_INCREMENT, user_id INT, kind VARCHAR(16), t DATETIME(6) DEFAULT NOW(6))")
        // An existing topic: auto-creation on first produce would add a one-off second of start-up.
        try cluster.createTopic("portrait.cdc.\(database).e", partitions: 4)
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_lag", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: false, snapshot: false, batchMilliseconds: 20, heartbeatSeconds: 0.1)
        configuration.batchRows = 5_000
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        try store.save(CDCTestServices.currentPosition())
        let lags = LagLog()
        let stop = IngestStopSignal()
        let done = DispatchSemaphore(value: 0)
        let settings = configuration
        let brokers = cluster.bootstrapServers
        let ingest = Thread {
            do {
                // PORTRAIT_CDC_BENCH_LAG_SINK=jsonl measures the ingest alone (JSON lines to /dev/null).
                if ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_LAG_SINK"] == "jsonl" {
                    var pipeline = IngestPipeline(
                        configuration: settings, sink: LagRecordingSink(inner: JSONLinesChangeSink(handle: FileHandle.nullDevice), lags: lags), logger: Logger(label: "bench.lag"))
                    _ = try pipeline.run(stop: stop)
                } else {
                    var pipeline = IngestPipeline(
                        configuration: settings, sink: LagRecordingSink(inner: try KafkaChangeSink(bootstrapServers: brokers), lags: lags), logger: Logger(label: "bench.lag"))
                    _ = try pipeline.run(stop: stop)
                }
            } catch {
                Issue.record("ingest failed: \(error)")
            }
            done.signal()
        }
        ingest.start()
        // Steady load: 10-row autocommit inserts as fast as one client goes.
        let deadline = Date().addingTimeInterval(Self.seconds)
        var rows = 0
        let insert = "INSERT INTO e (user_id, kind) VALUES " + Array(repeating: "(?, 'view')", count: 10).joined(separator: ", ")
        while Date() < deadline {
            try db.execute(insert, (0..<10).map { .int(Int64(rows + $0)) })
            rows += 10
        }
        Thread.sleep(forTimeInterval: 1)
        stop.requestStop()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let sorted = lags.values.withLock { $0 }.sorted()
        // The same figures without the first two seconds (connecting, first metadata fetch).
        let commits = lags.commits.withLock { $0 }
        let steadyFrom = (commits.min() ?? 0) + 2_000_000
        let steady = zip(commits, lags.values.withLock { $0 }).filter { $0.0 >= steadyFrom }.map(\.1).sorted()
        if !steady.isEmpty {
            print(String(format: "BENCH lag steady (after 2 s) rows=%d p50=%.1f ms p99=%.1f ms max=%.1f ms", steady.count,
                         Double(steady[steady.count / 2]) / 1000, Double(steady[min(steady.count - 1, steady.count * 99 / 100)]) / 1000, Double(steady.last ?? 0) / 1000))
        }
        #expect(sorted.count == rows)
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000 }
        let flushes = lags.flushes.withLock { $0 }.sorted()
        if !flushes.isEmpty {
            print(String(format: "BENCH lag flushes=%d flush p50=%.1f ms p99=%.1f ms", flushes.count,
                         Double(flushes[flushes.count / 2]) / 1000, Double(flushes[min(flushes.count - 1, flushes.count * 99 / 100)]) / 1000))
        }
        print(String(format: "BENCH lag rows=%d rate=%.0f rows/s p50=%.1f ms p99=%.1f ms max=%.1f ms",
                     rows, Double(rows) / Self.seconds, percentile(0.5), percentile(0.99), percentile(1)))
    }
}
