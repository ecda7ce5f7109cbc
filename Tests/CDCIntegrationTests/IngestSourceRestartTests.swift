import Foundation
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// `portrait ingest` keeps running while its source (and metadata) server restarts: the
/// binlog stream reconnects, the position is saved on a fresh connection, and every row
/// written before, during and after the restart arrives exactly once. The server is the
/// test's own (`PrivateMariaDB`), never the shared dev one. Needs a built executable.
@Suite("Ingest through a restart of its MariaDB (processes)", .serialized)
struct IngestSourceRestartTests {
    @Test func ingestKeepsRunningAndLosesNothingAcrossARestart() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let server = try PrivateMariaDB()
        defer { withExtendedLifetime(server) {} }
        let environment = ["PORTRAIT_MYSQL_URL": server.url]
        let migrate = try ChildProcess(executable: executable, arguments: ["migrate"], environment: environment)
        #expect(migrate.waitForExit().code == 0, "portrait migrate on the private server")

        let database = "portrait_test_restart"
        var source = try server.configuration
        let admin = try MySQLConnection(configuration: source)
        try admin.executeText("CREATE DATABASE \(database)")
        try admin.executeText("CREATE TABLE \(database).t (id INT PRIMARY KEY)")
        let name = "portrait_test_restart"
        try PositionStore(connection: try MySQLConnection(configuration: IngestConfiguration(source: source).metadata), ingestName: name)
            .save(try BinlogReader.currentPosition(admin))
        source.database = database

        let directory = try IngestCommandProcessTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.jsonl")
        let ingest = try ChildProcess(
            executable: executable,
            arguments: ["ingest", "--output", output.path, "--include", "\(database).*", "--name", name, "--server-id", "77", "--no-snapshot"],
            environment: environment, log: directory.appendingPathComponent("ingest.log"))
        defer { _ = ingest.signal(SIGKILL) }

        let writer = RetryingWriter(configuration: source)
        for id in 1...100 { try writer.insert(id) }
        #expect(Self.waitForIds(1...100, in: output), "rows before the restart arrive (log: \(ingest.logTail()))")

        // Rows during the restart: the writer retries each until the server is back.
        let duringDone = DispatchSemaphore(value: 0)
        Thread {
            for id in 101...250 {
                try? writer.insert(id)  // a row that failed is missing below
                Thread.sleep(forTimeInterval: 0.005)
            }
            duringDone.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.2)
        server.stop()
        Thread.sleep(forTimeInterval: 1)
        try server.start()
        duringDone.wait()
        for id in 251...300 { try writer.insert(id) }

        #expect(Self.waitForIds(1...300, in: output), "every row arrives (log: \(ingest.logTail()))")
        #expect(ingest.isRunning, "the ingest survived the restart (log: \(ingest.logTail()))")
        let counts = Self.idCounts(in: output)
        #expect(Set(counts.keys) == Set(1...300))
        #expect(counts.filter { $0.value != 1 }.isEmpty, "rows not exactly once: \(counts.filter { $0.value != 1 }.sorted { $0.key < $1.key }.prefix(10))")
        let status = ingest.signal(SIGTERM)
        #expect(status.reason == .exit && status.code == 0, "SIGTERM ends the ingest cleanly (log: \(ingest.logTail()))")
    }

    /// How many times each `after.id` is in the JSON lines file.
    static func idCounts(in file: URL) -> [Int: Int] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var counts: [Int: Int] = [:]
        for line in text.split(separator: "\n") {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            if let id = (object?["after"] as? [String: Any])?["id"] as? Int { counts[id, default: 0] += 1 }
        }
        return counts
    }

    /// Polls until every id of `ids` is in the file (the deadline only bounds a failing run).
    static func waitForIds(_ ids: ClosedRange<Int>, in file: URL) -> Bool {
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            if Set(idCounts(in: file).keys).isSuperset(of: ids) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}

/// Inserts rows one at a time, retrying across a server outage: a connection error means a new
/// connection and another try; a duplicate key means an earlier try was applied after all.
final class RetryingWriter: Sendable {
    private let configuration: MySQLConfiguration
    private let connection = Mutex<MySQLConnection?>(nil)

    init(configuration: MySQLConfiguration) { self.configuration = configuration }

    func insert(_ id: Int) throws {
        let deadline = Date().addingTimeInterval(60)
        while true {
            do {
                let db = try connection.withLock { current in
                    if let current { return current }
                    let opened = try MySQLConnection(configuration: configuration)
                    current = opened
                    return opened
                }
                try db.execute("INSERT INTO t VALUES (?)", [.int(Int64(id))])
                return
            } catch MySQLError.duplicateKey {
                return
            } catch let error as MySQLError where error.isConnectionFailure && Date() < deadline {
                connection.withLock { $0 = nil }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }
}
