import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MySQL
import PortraitIngest
import Testing

/// `portrait ingest` as a process: `--metrics-addr` and the routing file. Needs the dev
/// MariaDB and a built executable (`swift build` before `swift test`).
@Suite("portrait ingest command (processes)", .serialized)
struct IngestCommandProcessTests {
    @Test func metricsEndpointCountsChangesPerTable() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let (database, db) = try CDCTestServices.scratchDatabase("metrics")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, user_id VARCHAR(16))")
        let name = "portrait_test_cdc_metrics"
        try Self.startAtCurrentPosition(ingestName: name)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("ingest.log")
        let ingest = try ChildProcess(
            executable: executable,
            arguments: [
                "ingest", "--output", directory.appendingPathComponent("out.jsonl").path, "--include", "\(database).*", "--name", name,
                "--server-id", String(CDCTestServices.nextServerId()), "--no-snapshot", "--metrics-addr", "127.0.0.1:0",
            ],
            log: log)
        // The log names the address the kernel chose.
        var address: String?
        let deadline = Date().addingTimeInterval(60)
        while address == nil && Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+/metrics"#, options: .regularExpression) { address = String(text[range]) }
            else { Thread.sleep(forTimeInterval: 0.1) }
        }
        let url = try #require(address.flatMap(URL.init(string:)), "the ingest logs its metrics address (log: \(ingest.logTail()))")
        for id in 1...3 { try db.execute("INSERT INTO t VALUES (?, ?)", [.int(Int64(id)), .string("u\(id)")]) }
        let line = "portrait_ingest_changes_total{table=\"\(database).t\"} 3"
        var text = ""
        while !text.contains(line) && Date() < deadline + 20 {
            text = String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
            if !text.contains(line) { Thread.sleep(forTimeInterval: 0.2) }
        }
        let status = ingest.signal(SIGTERM)
        #expect(text.contains(line), "GET /metrics: \(text.prefix(2_000))")
        #expect(text.contains("# TYPE portrait_ingest_lag_seconds gauge"))
        #expect(text.contains("# TYPE portrait_ingest_batches_total counter"))
        #expect(status.reason == .exit && status.code == 0, "log: \(ingest.logTail())")
    }

    @Test func routingFileSetsTablesKeysAndName() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let (database, db) = try CDCTestServices.scratchDatabase("routing")
        try db.executeText("CREATE TABLE kept (id INT PRIMARY KEY, user_id VARCHAR(16))")
        try db.executeText("CREATE TABLE skipped (id INT PRIMARY KEY)")
        let name = "portrait_test_cdc_routing"
        let before = try CDCTestServices.currentPosition()
        try Self.startAtCurrentPosition(ingestName: name, position: before)
        try db.execute("INSERT INTO kept VALUES (?, ?)", [.int(1), .string("u1")])
        try db.execute("INSERT INTO skipped VALUES (?)", [.int(1)])
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let routing = directory.appendingPathComponent("ingest.yaml")
        try """
            name: \(name)
            server_id: \(CDCTestServices.nextServerId())
            include: ["\(database).*"]
            exclude: ["\(database).skip*"]
            tables:
              \(database).kept:
                key: user_id
            """.write(to: routing, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.jsonl")
        let run = try ChildProcess(
            executable: executable, arguments: ["ingest", "--routing", routing.path, "--output", output.path, "--until-end"],
            log: directory.appendingPathComponent("ingest.log"))
        let status = run.waitForExit()
        #expect(status.reason == .exit && status.code == 0, "log: \(run.logTail())")
        let tables = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["table"] as? String
        }
        #expect(tables == ["kept"], "include and exclude from the file")
        let saved = try PositionStore(connection: try Self.metadata(), ingestName: name).load()
        #expect(saved != nil && saved != before, "the position is saved under the file's name")

        // A bad value stops the command at start with the key named (EX_CONFIG).
        try "tables:\n  \(database).kept:\n    key: 42\n".write(to: routing, atomically: true, encoding: .utf8)
        let bad = try ChildProcess(
            executable: executable, arguments: ["ingest", "--routing", routing.path, "--output", "-", "--until-end"],
            log: directory.appendingPathComponent("bad.log"))
        let badStatus = bad.waitForExit()
        #expect(badStatus.reason == .exit && badStatus.code == 78)
        #expect(bad.logTail().contains("`tables.\(database).kept.key`"), "\(bad.logTail())")
    }

    static func metadata() throws -> MySQLConnection {
        try MySQLConnection(configuration: IngestConfiguration(source: try CDCTestServices.configuration).metadata)
    }

    /// Saves `position` (default: the binlog end now) as the ingest's, with no schema history left over.
    static func startAtCurrentPosition(ingestName: String, position: BinlogPosition? = nil) throws {
        let metadata = try metadata()
        try SchemaHistoryStore(connection: metadata, ingestName: ingestName).reset()
        try SnapshotProgressStore(connection: metadata, ingestName: ingestName).reset()
        try PositionStore(connection: metadata, ingestName: ingestName).save(try position ?? CDCTestServices.currentPosition())
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-cdc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
