import Foundation
import MySQL
import PortraitIngest
import Testing

/// The ingest pipeline against the dev MariaDB, writing JSON lines. Each test has its own
/// database and ingest name and starts at the binlog end taken at its start.
@Suite("Ingest pipeline against the dev MariaDB", .serialized)
struct IngestPipelineIntegrationTests {
    @Test func everyTypeArrivesAsTheFinalTableSays() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("ingest_types")
        try RowDecodingIntegrationTests.createTable(db)
        let harness = try IngestTestHarness(name: "ingest_types", database: database)
        try harness.startFromCurrentPosition()
        var random = SeededGenerator(seed: 7)
        let names = RowDecodingIntegrationTests.columns.map(\.name)
        let insert = "INSERT INTO t (id, \(names.map { "`\($0)`" }.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))"
        for id in 1...40 {
            try db.execute(insert, [.int(Int64(id))] + names.map { RowDecodingIntegrationTests.randomValue($0, &random) })
        }
        for _ in 0..<40 {
            let column = names.randomElement(using: &random)!
            try db.execute("UPDATE t SET `\(column)` = ? WHERE id = ?", [RowDecodingIntegrationTests.randomValue(column, &random), .int(Int64.random(in: 1...40, using: &random))])
        }
        try db.execute("DELETE FROM t WHERE id IN (?, ?, ?)", [.int(5), .int(6), .int(39)])

        let envelopes = try harness.run()
        #expect(envelopes.count == 40 + 40 + 3 || envelopes.count <= 83)  // updates that change nothing are not logged
        #expect(envelopes.allSatisfy { $0["db"] as? String == database && $0["table"] as? String == "t" })
        let streamed = IngestTestHarness.replay(envelopes)
        let selected = try IngestTestHarness.expectedRows(db, "SELECT * FROM t")
        #expect(streamed.count == 37)
        #expect(Set(streamed.keys) == Set(selected.keys))
        for (key, row) in selected {
            let got = streamed[key] ?? [:]
            for column in ["id"] + names {
                let want = row[column] as? NSObject, have = got[column] as? NSObject
                #expect(want == have, "row \(key) column \(column): SELECT \(String(describing: want).prefix(80)) ≠ stream \(String(describing: have).prefix(80))")
            }
        }
        let first = try #require(envelopes.first)
        #expect(first["op"] as? String == "c")
        #expect((first["pos"] as? [String: Any])?["gtid"] is String)
        #expect(first["ts_ms"] as? Int ?? 0 > 1_700_000_000_000)
    }

    @Test func ddlMidStreamNamesEachRowByItsOwnSchema() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("ddl")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10))")
        let harness = try IngestTestHarness(name: "ddl", database: database)
        try harness.startFromCurrentPosition()
        try db.execute("INSERT INTO t VALUES (?, ?)", [.int(1), .string("a1")])
        try db.executeText("ALTER TABLE t ADD COLUMN b INT")
        try db.execute("INSERT INTO t VALUES (?, ?, ?)", [.int(2), .string("a2"), .int(20)])
        try db.executeText("ALTER TABLE t DROP COLUMN a")
        try db.execute("INSERT INTO t VALUES (?, ?)", [.int(3), .int(30)])
        try db.executeText("ALTER TABLE t CHANGE b c BIGINT")
        try db.execute("INSERT INTO t VALUES (?, ?)", [.int(4), .int(40)])
        try db.executeText("ALTER TABLE t RENAME COLUMN c TO d")
        try db.execute("UPDATE t SET d = ? WHERE id = ?", [.int(41), .int(4)])
        try db.executeText("RENAME TABLE t TO t2")
        try db.execute("INSERT INTO t2 VALUES (?, ?)", [.int(5), .int(50)])

        let envelopes = try harness.run()
        let afters = envelopes.map { ($0["after"] as? [String: Any] ?? [:]).mapValues { "\($0)" } }
        #expect(afters == [
            ["id": "1", "a": "a1"], ["id": "2", "a": "a2", "b": "20"], ["id": "3", "b": "30"], ["id": "4", "c": "40"], ["id": "4", "d": "41"], ["id": "5", "d": "50"],
        ])
        #expect(((envelopes[4]["before"] as? [String: Any]) ?? [:]).mapValues { "\($0)" } == ["id": "4", "d": "40"])
        let versions = envelopes.compactMap { $0["schema_version"] as? Int }
        #expect(versions == [1, 2, 3, 4, 5, 1] || versions.prefix(5) == [1, 2, 3, 4, 5])
        #expect(envelopes.last?["table"] as? String == "t2")
        // The versions are recorded, so a restarted ingest keeps counting instead of starting at 1.
        let history = try SchemaHistoryStore(connection: MySQLConnection(configuration: harness.configuration.metadata), ingestName: harness.configuration.ingestName)
        let latest = try history.latest().first { $0.table == "t" }
        #expect(latest?.version == 5 && latest?.columnNames == ["id", "d"])
        try db.executeText("ALTER TABLE t2 ADD COLUMN e INT")
        try db.execute("INSERT INTO t2 VALUES (?, ?, ?)", [.int(6), .int(60), .int(600)])
        let later = try harness.run()
        #expect(later.map { $0["schema_version"] as? Int } == [7], "t2 continues from version 6 (the rename)")
    }

    @Test func snapshotThenStreamMatchesTheFinalTable() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("snapshot")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, v BIGINT, s VARCHAR(40))")
        try db.executeText("INSERT INTO t SELECT seq, seq * 10, CONCAT('row ', seq) FROM seq_1_to_30000")
        let harness = try IngestTestHarness(name: "snapshot", database: database, snapshot: true, batchRows: 2000)
        // Writes run while the snapshot reads: each must show up either in the snapshot or after it.
        let writer = Thread {
            guard let connection = try? MySQLConnection(configuration: db.configuration) else { return }
            var random = SeededGenerator(seed: 99)
            for step in 0..<400 {
                let id = Int64.random(in: 1...30_500, using: &random)
                switch step % 4 {
                case 0: _ = try? connection.execute("UPDATE t SET v = v + 1, s = ? WHERE id = ?", [.string("updated \(step)"), .int(id)])
                case 1: _ = try? connection.execute("DELETE FROM t WHERE id = ?", [.int(id)])
                default: _ = try? connection.execute("INSERT INTO t VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE v = -v", [.int(30_000 + Int64(step)), .int(id), .string("new")])
                }
            }
        }
        writer.start()
        var envelopes = try harness.run()
        while writer.isExecuting { Thread.sleep(forTimeInterval: 0.05) }
        envelopes += try harness.run()  // the rest, resumed from the saved position
        let reads = envelopes.filter { $0["op"] as? String == "r" }
        #expect(reads.count >= 29_000)
        let streamed = IngestTestHarness.replay(envelopes)
        let selected = try IngestTestHarness.expectedRows(db, "SELECT * FROM t")
        #expect(streamed.count == selected.count)
        var differences = 0
        for (key, row) in selected where (streamed[key] as NSDictionary?) != (row as NSDictionary) {
            differences += 1
            if differences < 5 { Issue.record("row \(key): table \(row) ≠ stream \(String(describing: streamed[key]))") }
        }
        #expect(differences == 0)
    }

    @Test func anInterruptedSnapshotResumesWithTheTablesNotYetRead() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("snapshot_resume")
        try db.executeText("CREATE TABLE a (id INT PRIMARY KEY)")
        try db.executeText("CREATE TABLE b (id INT PRIMARY KEY)")
        try db.executeText("INSERT INTO a SELECT seq FROM seq_1_to_3000")
        try db.executeText("INSERT INTO b SELECT seq FROM seq_1_to_3000")
        let harness = try IngestTestHarness(name: "snapshot_resume", database: database, snapshot: true, batchRows: 500)
        let first = try harness.run(stopAfter: 4000)
        #expect(first.count >= 4000 && first.count < 6000)
        #expect(try harness.store.load() == nil, "no streaming position before the snapshot is complete")
        try db.executeText("INSERT INTO a VALUES (3001)")
        let second = try harness.run()
        let reads = second.filter { $0["op"] as? String == "r" }
        #expect(reads.allSatisfy { $0["table"] as? String == "b" }, "table a was finished and is not read again")
        // The stop came after 1000 rows of b were written and flushed: b continues after id 1000.
        #expect(reads.count == 2000)
        #expect(reads.allSatisfy { ($0["after"] as? [String: Any])?["id"] as? Int ?? 0 > 1000 }, "b is not read again from its start")
        let ids = Set((first + second).compactMap { envelope -> String? in
            guard let id = (envelope["after"] as? [String: Any])?["id"] as? Int else { return nil }
            return "\(envelope["table"] ?? "")/\(id)"
        })
        #expect(ids == Set((1...3001).map { "a/\($0)" } + (1...3000).map { "b/\($0)" }))
        #expect(try harness.store.load() != nil)
    }

    @Test func resumeAfterStopHasNoGap() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("resume")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        let harness = try IngestTestHarness(name: "resume", database: database, batchRows: 25)
        try harness.startFromCurrentPosition()
        for id in 1...300 { try db.execute("INSERT INTO t VALUES (?, ?)", [.int(Int64(id)), .int(Int64(id))]) }
        let first = try harness.run(stopAfter: 110)
        #expect(first.count >= 110 && first.count < 300)
        let saved = try #require(try harness.store.load())
        for id in 301...400 { try db.execute("INSERT INTO t VALUES (?, ?)", [.int(Int64(id)), .int(Int64(id))]) }
        let second = try harness.run()
        let ids = (first + second).compactMap { ($0["after"] as? [String: Any])?["id"] as? Int }
        #expect(Set(ids) == Set(1...400), "every change arrives at least once")
        // Resumed exactly at the saved commit boundary: the second run starts right after the first's last row.
        let firstOfSecond = try #require(second.first.flatMap { ($0["after"] as? [String: Any])?["id"] as? Int })
        #expect(firstOfSecond == (first.last.flatMap { ($0["after"] as? [String: Any])?["id"] as? Int } ?? 0) + 1)
        #expect(ids == Array(1...400), "in order, without duplicates")
        #expect(!saved.file.isEmpty)
    }
}
