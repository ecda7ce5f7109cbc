import Foundation
import Logging
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// The ingest waits out an outage of the MariaDB that holds its position instead of exiting.
/// The metadata server is the test's own (`PrivateMariaDB`) and the source is the dev server,
/// which stays up: rows keep arriving in the binlog while the position cannot be saved, so the
/// window between reading a batch and saving its position is certainly hit (with one server
/// for both, the binlog stream breaks first and that window is a few microseconds wide).
@Suite("Ingest through an outage of its metadata MariaDB", .serialized)
struct IngestMetadataOutageTests {
    @Test func ingestWaitsForItsMetadataServerAndLosesNothing() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let metadataServer = try PrivateMariaDB()
        defer { withExtendedLifetime(metadataServer) {} }
        let migrate = try ChildProcess(executable: executable, arguments: ["migrate"], environment: ["PORTRAIT_MYSQL_URL": metadataServer.url])
        #expect(migrate.waitForExit().code == 0, "portrait migrate on the private server")

        let (database, source) = try CDCTestServices.scratchDatabase("metadata_outage")
        try source.executeText("CREATE TABLE t (id INT PRIMARY KEY)")
        var sourceConfiguration = try CDCTestServices.configuration
        sourceConfiguration.database = database
        let configuration = IngestConfiguration(
            source: sourceConfiguration, metadata: try metadataServer.configuration, ingestName: "portrait_test_metadata_outage",
            serverId: CDCTestServices.nextServerId(), routing: TableRouting(includes: ["\(database).*"]), snapshot: false,
            batchRows: 10, batchMilliseconds: 20, maxReconnectDelaySeconds: 1)
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        try store.save(try CDCTestServices.currentPosition())

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-metadata-outage-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let stop = IngestStopSignal()
        let run = PipelineThread()
        Thread {
            var pipeline = IngestPipeline(configuration: configuration, sink: JSONLinesChangeSink(handle: handle, bufferSize: 1), logger: Logger(label: "test.ingest"))
            run.started(pipeline.statistics)
            run.finish(Result { try pipeline.run(stop: stop) })
        }.start()
        let statistics = run.statistics
        defer {
            stop.requestStop()
            _ = run.wait()
            try? handle.close()
        }

        for id in 1...100 { try source.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }
        #expect(IngestSourceRestartTests.waitForIds(1...100, in: output), "rows before the outage arrive")

        // The metadata server goes away; the source keeps taking rows, so batches are read,
        // written and acknowledged while their position cannot be saved.
        metadataServer.stop()
        for id in 101...250 { try source.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }
        #expect(Self.waitUntil { statistics.isWaitingForMetadata }, "the ingest noticed the outage while saving a position")
        Thread.sleep(forTimeInterval: 4)  // several attempts fail before the server returns
        #expect(!run.isFinished, "the ingest is still running during the outage")
        try metadataServer.start()
        for id in 251...300 { try source.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }

        #expect(IngestSourceRestartTests.waitForIds(1...300, in: output), "every row arrives")
        #expect(!run.isFinished, "the ingest kept running through the outage")
        #expect(!statistics.isWaitingForMetadata)
        #expect(statistics.metadataOutageCount >= 1)
        let counts = IngestSourceRestartTests.idCounts(in: output)
        #expect(Set(counts.keys) == Set(1...300))
        #expect(counts.filter { $0.value != 1 }.isEmpty, "rows not exactly once: \(counts.filter { $0.value != 1 }.sorted { $0.key < $1.key }.prefix(10))")

        // The position saved after the outage is past every row: a restart repeats nothing.
        stop.requestStop()
        let summary = try run.wait().get()
        let saved = try #require(try PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName).load())
        #expect(saved.file == summary.position?.file && saved.offset == summary.position?.offset)
    }

    /// Polls `condition` (the deadline only bounds a failing run).
    static func waitUntil(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}

/// The outcome of a pipeline run on a thread of its own.
private final class PipelineThread: Sendable {
    private let outcome = Mutex<Result<IngestPipeline<JSONLinesChangeSink>.Summary, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)
    private let published = Mutex<IngestStatistics?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func started(_ statistics: IngestStatistics) {
        published.withLock { $0 = statistics }
        ready.signal()
    }

    /// The running pipeline's statistics (waits for the thread to publish them).
    var statistics: IngestStatistics {
        ready.wait()
        ready.signal()
        return published.withLock { $0! }
    }

    var isFinished: Bool { outcome.withLock { $0 != nil } }

    func finish(_ result: Result<IngestPipeline<JSONLinesChangeSink>.Summary, any Error>) {
        outcome.withLock { $0 = result }
        done.signal()
    }

    /// Waits for the run to end (again, if already waited for) and returns how it ended.
    func wait() -> Result<IngestPipeline<JSONLinesChangeSink>.Summary, any Error> {
        done.wait()
        done.signal()
        return outcome.withLock { $0! }
    }
}
