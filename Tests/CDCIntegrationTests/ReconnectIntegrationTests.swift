import Foundation
import Logging
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// The stream survives its connection being killed, and resumes by GTID.
@Suite("Ingest reconnects and GTID resume", .serialized)
struct ReconnectIntegrationTests {
    @Test func aKilledReplicationConnectionIsReopenedWithoutLosingRows() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("reconnect")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-cdc-reconnect-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_reconnect", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: false, snapshot: false, batchMilliseconds: 20, heartbeatSeconds: 0.2)
        configuration.maxReconnectDelaySeconds = 0.5
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        try store.save(CDCTestServices.currentPosition())
        for id in 1...50 { try db.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }

        let connections = Mutex<[UInt64]>([])
        let stop = IngestStopSignal()
        let finished = DispatchSemaphore(value: 0)
        let settings = configuration
        let thread = Thread {
            guard let handle = try? FileHandle(forWritingTo: output) else { finished.signal(); return }
            var pipeline = IngestPipeline(configuration: settings, sink: JSONLinesChangeSink(handle: handle, bufferSize: 1), logger: Logger(label: "test.reconnect"))
            pipeline.readerStarted = { id in connections.withLock { $0.append(id) } }
            do { _ = try pipeline.run(stop: stop) } catch { Issue.record("ingest failed: \(error)") }
            finished.signal()
        }
        thread.start()
        func ids() -> Set<Int> {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return Set(text.split(separator: "\n").compactMap { line in
                ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]).flatMap { ($0["after"] as? [String: Any])?["id"] as? Int }
            })
        }
        func wait(_ condition: () -> Bool) { for _ in 0..<1200 where !condition() { Thread.sleep(forTimeInterval: 0.05) } }
        wait { ids().count >= 50 }
        let first = try #require(connections.withLock { $0.first })
        try db.executeText("KILL CONNECTION \(first)")
        for id in 51...100 { try db.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }
        wait { ids().count >= 100 }
        stop.requestStop()
        #expect(finished.wait(timeout: .now() + 10) == .success)
        #expect(ids() == Set(1...100))
        #expect(connections.withLock { $0.count } >= 2, "the stream was reopened")
    }

    @Test func resumeByGTIDContinuesAfterTheSavedTransaction() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("gtid")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY)")
        let harness = try IngestTestHarness(name: "gtid", database: database, resumeByGTID: true)
        try harness.startFromCurrentPosition()
        for id in 1...20 { try db.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }
        let first = try harness.run()
        let saved = try #require(try harness.store.load())
        #expect(saved.gtidSet?.isEmpty == false)
        for id in 21...30 { try db.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))]) }
        let second = try harness.run()
        let ids = (first + second).compactMap { ($0["after"] as? [String: Any])?["id"] as? Int }
        #expect(ids == Array(1...30))
        #expect(second.first.flatMap { ($0["pos"] as? [String: Any])?["gtid"] as? String } != nil)
    }
}
