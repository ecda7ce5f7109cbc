import Foundation
import Logging
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// An initial snapshot interrupted midway through a big table (its Kafka flush fails) resumes
/// after the last primary key whose rows were acknowledged, in a new transaction, and the
/// stream that follows still ends with exactly the table as SELECT shows it.
@Suite("Snapshot resume by primary key against the dev MariaDB", .serialized)
struct SnapshotResumeIntegrationTests {
    @Test func anInterruptedTableResumesAfterTheLastAcknowledgedKey() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("snapshot_by_key")
        try db.executeText("CREATE TABLE big (id INT PRIMARY KEY, v INT, s VARCHAR(40))")
        try db.executeText("INSERT INTO big SELECT seq, seq, CONCAT('row ', seq) FROM seq_1_to_5000")
        let harness = try IngestTestHarness(name: "snapshot_by_key", database: database, snapshot: true, batchRows: 500)

        // First run: flushes at 500, 1000, …, 2000 are acknowledged; the one at 2500 fails (Kafka gone, process dies).
        let recorder = FailingFlushSink.Acknowledged()
        var first = IngestPipeline(
            configuration: harness.configuration, sink: FailingFlushSink(failAfterWrites: 2300, acknowledged: recorder), logger: Logger(label: "test.snapshot"))
        #expect(throws: FailingFlushSink.Failure.self) { try first.run() }
        let acknowledged = recorder.envelopes.withLock { $0 }
        #expect(acknowledged.count == 2000)
        let progress = SnapshotProgressStore(connection: try MySQLConnection(configuration: harness.configuration.metadata), ingestName: harness.configuration.ingestName)
        #expect(try progress.resumePoints()["\(database).big"]?.key == SnapshotKey([.int(2000)]))
        #expect(try harness.store.load() == nil, "no streaming position before the snapshot is complete")

        // Changes while the ingest is down, before and after the resume point.
        try db.execute("UPDATE big SET v = ? WHERE id = ?", [.int(-100), .int(100)])
        try db.execute("UPDATE big SET v = ?, s = ? WHERE id = ?", [.int(-3000), .string("changed"), .int(3000)])
        try db.execute("DELETE FROM big WHERE id IN (?, ?)", [.int(1500), .int(4000)])
        try db.execute("INSERT INTO big VALUES (?, ?, ?)", [.int(5001), .int(5001), .string("new")])

        let second = try harness.run()
        let reads = second.filter { $0["op"] as? String == "r" }
        let readIds = reads.compactMap { ($0["after"] as? [String: Any])?["id"] as? Int }
        #expect(readIds == Array(2001...5001).filter { $0 != 4000 }, "resumed after id 2000, in key order, nothing before it read again")
        let firstPosition = acknowledged.first?["pos"] as? [String: Any]
        #expect(reads.allSatisfy { ($0["pos"] as? [String: Any])?["offset"] as? Int != firstPosition?["offset"] as? Int },
                "resumed rows carry the position of the transaction that read them")
        let streamed = second.filter { $0["op"] as? String != "r" }
        #expect(streamed.count == 5, "the changes made since the first snapshot position are replayed")

        let final = IngestTestHarness.replay(acknowledged + second)
        let selected = try IngestTestHarness.expectedRows(db, "SELECT * FROM big")
        #expect(final.count == selected.count && selected.count == 4999)
        var differences = 0
        for (key, row) in selected where (final[key] as NSDictionary?) != (row as NSDictionary) {
            differences += 1
            if differences < 5 { Issue.record("row \(key): table \(row) ≠ stream \(String(describing: final[key]))") }
        }
        #expect(differences == 0)
        #expect(try harness.store.load() != nil)
    }
}

/// Keeps envelopes in memory; a flush acknowledges what was written, until `failAfterWrites`
/// envelopes were written: from then on every flush fails, as when Kafka is gone for good.
struct FailingFlushSink: ChangeSink {
    struct Failure: Error {}
    /// What flushes acknowledged; a class, since the pipeline's copy of the sink is lost when it throws.
    final class Acknowledged: Sendable {
        let envelopes = Mutex<[[String: any Sendable]]>([])
    }
    let failAfterWrites: Int
    let acknowledged: Acknowledged
    private var written: [[String: any Sendable]] = []

    init(failAfterWrites: Int, acknowledged: Acknowledged) {
        self.failAfterWrites = failAfterWrites
        self.acknowledged = acknowledged
    }

    mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
        written.append(try JSONSerialization.jsonObject(with: Data(json)) as? [String: any Sendable] ?? [:])
    }

    mutating func flush() throws {
        let batch = written
        try acknowledged.envelopes.withLock { acknowledged in
            guard acknowledged.count + batch.count < failAfterWrites else { throw Failure() }
            acknowledged += batch
        }
        written = []
    }
}
