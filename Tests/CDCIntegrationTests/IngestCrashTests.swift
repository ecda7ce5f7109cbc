import Foundation
import Kafka
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// The issue's crash test: `portrait ingest` runs as a child process into a mock Kafka cluster
/// hosted by another child (`portrait kafka-mock`), is killed with SIGKILL at seeded random
/// moments during a steady write load and restarted each time; a last run stops cleanly on
/// SIGTERM. Every row change must then be in Kafka at least once, in commit order per key.
///
/// Needs the dev MariaDB and a built executable (`swift build` before `swift test`).
@Suite("Ingest killed with SIGKILL under write load (processes)", .serialized)
struct IngestCrashTests {
    static let database = "portrait_test_cdc_crash"
    static let ingestName = "portrait_test_cdc_crash"
    static let topic = "portrait.cdc.\(database).profiles"

    @Test func everyChangeReachesKafkaInOrderPerKeyAcrossKills() throws {
        let executable = try Self.portraitExecutable()
        let mock = try ChildProcess(executable: executable, arguments: ["kafka-mock", "--brokers", "1", "--exit-on-stdin-close", "--topic", "\(Self.topic):8"], captureStdout: true)
        defer { mock.closeStdinAndWait() }
        let bootstrap = try mock.readLine()
        #expect(bootstrap.contains(":"), "kafka-mock printed its bootstrap address")

        let (database, db) = try CDCTestServices.scratchDatabase("crash")
        try db.executeText("CREATE TABLE profiles (id INT PRIMARY KEY, user_id VARCHAR(16) NOT NULL, n INT NOT NULL, KEY (user_id))")
        // Stream from here: no snapshot, and nothing left from an earlier run of this test.
        let metadata = try MySQLConnection(configuration: IngestConfiguration(source: try CDCTestServices.configuration).metadata)
        try SchemaHistoryStore(connection: metadata, ingestName: Self.ingestName).reset()
        try SnapshotProgressStore(connection: metadata, ingestName: Self.ingestName).reset()
        try PositionStore(connection: metadata, ingestName: Self.ingestName).save(CDCTestServices.currentPosition())

        let load = WriteLoad(database: database)
        load.start()
        defer { load.stop() }

        let serverId = CDCTestServices.nextServerId()
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-cdc-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        func startIngest(_ run: Int) throws -> ChildProcess {
            try ChildProcess(
                executable: executable,
                arguments: [
                    "ingest", "--include", "\(database).*", "--key", "\(database).profiles=user_id", "--name", Self.ingestName,
                    "--server-id", String(serverId), "--no-snapshot",
                ],
                environment: ["PORTRAIT_KAFKA_BROKERS": bootstrap], log: logs.appendingPathComponent("ingest-\(run).log"))
        }

        // Kill at seeded random moments; each run gets between 0.3 s and 2 s.
        var random = SeededGenerator(seed: 0xC0FFEE)
        let kills = 7
        for run in 0..<kills {
            let ingest = try startIngest(run)
            Thread.sleep(forTimeInterval: Double.random(in: 0.3...2.0, using: &random))
            let status = ingest.signal(SIGKILL)
            #expect(status.reason == .uncaughtSignal, "run \(run) was still running when killed (log: \(ingest.logTail()))")
        }

        // The last run sees the load end, catches up, and stops cleanly on SIGTERM.
        let last = try startIngest(kills)
        Thread.sleep(forTimeInterval: 1)
        load.stop()
        let expected = load.changesPerUser()
        let total = expected.values.reduce(0, +)
        #expect(load.failureDescription == nil, "the write load failed: \(load.failureDescription ?? "")")
        #expect(total > 500, "the write load wrote \(total) changes")

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupId: "portrait-test-cdc-crash", sessionTimeoutMs: 6_000))
        defer { consumer.close() }
        try consumer.subscribe([Self.topic])
        var check = PerKeyOrderCheck()
        // Poll until every change is there (the deadline only bounds a failing run).
        let deadline = Date().addingTimeInterval(120)
        while check.distinctChanges < total && Date() < deadline {
            for message in try consumer.poll(maxMessages: 2_000, timeoutMs: 200) { try check.observe(message) }
        }
        let status = last.signal(SIGTERM)
        #expect(status.reason == .exit && status.code == 0, "SIGTERM ends the ingest cleanly (log: \(last.logTail()))")
        for _ in 0..<3 {
            for message in try consumer.poll(maxMessages: 2_000, timeoutMs: 200) { try check.observe(message) }
        }

        print("crash test: \(kills) kills, \(total) changes written, \(check.messages) messages in Kafka, \(check.repeats) repeats")
        #expect(check.problems.isEmpty, "\(check.problems.prefix(10))")
        for (user, count) in expected {
            #expect(check.lastSequence[user, default: 0] == count, "user \(user): \(count) changes written, \(check.lastSequence[user, default: 0]) in order in Kafka")
        }
        #expect(check.distinctChanges == total)
        #expect(Set(check.lastSequence.keys) == Set(expected.keys))
        try? FileManager.default.removeItem(at: logs)
    }

    /// `<repo>/.build/debug/portrait`, found from this file's path.
    static func portraitExecutable(filePath: String = #filePath) throws -> URL {
        let repository = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let executable = repository.appendingPathComponent(".build/debug/portrait")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw CrashTestError("\(executable.path) is missing: run `swift build` before `swift test`")
        }
        return executable
    }
}

/// A failure of the crash test's own set-up, with what to do.
struct CrashTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One writer thread: single-row inserts and updates of `profiles`, each setting the row's `n`
/// to the next number of its user, so a user's changes are numbered 1, 2, 3… in commit order.
final class WriteLoad: Sendable {
    private struct State {
        var changes: [String: Int] = [:]
        var rowsOfUser: [String: [Int]] = [:]
        var nextId = 1
    }

    let database: String
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)

    init(database: String) { self.database = database }

    func start() {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            defer { finished.signal() }
            do { try write() } catch { failure.withLock { $0 = "\(error)" } }
        }
        thread.start()
    }

    /// Stops the writer and waits for its last statement; safe to call twice.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        if running.exchange(false, ordering: .relaxed) { finished.wait() }
    }

    /// Changes committed per user (the highest `n` of each user).
    func changesPerUser() -> [String: Int] { state.withLock { $0.changes } }

    /// Why the writer stopped early, if it did.
    var failureDescription: String? { failure.withLock { $0 } }

    private func write() throws {
        var configuration = try CDCTestServices.configuration
        configuration.database = database
        let db = try MySQLConnection(configuration: configuration)
        var random = SeededGenerator(seed: 42)
        while !stopped.load(ordering: .relaxed) {
            let user = "user-\(Int.random(in: 0..<40, using: &random))"
            // Plan under the lock, execute outside it, record after the commit succeeded.
            let (rows, n, nextId) = state.withLock { ($0.rowsOfUser[user] ?? [], $0.changes[user, default: 0] + 1, $0.nextId) }
            if rows.count < 3 && (rows.isEmpty || Int.random(in: 0..<4, using: &random) == 0) {
                try db.execute("INSERT INTO profiles VALUES (?, ?, ?)", [.int(Int64(nextId)), .string(user), .int(Int64(n))])
                state.withLock {
                    $0.rowsOfUser[user, default: []].append(nextId)
                    $0.nextId += 1
                    $0.changes[user] = n
                }
            } else {
                let id = rows.randomElement(using: &random)!
                try db.execute("UPDATE profiles SET n = ? WHERE id = ?", [.int(Int64(n)), .int(Int64(id))])
                state.withLock { $0.changes[user] = n }
            }
            // A steady load, not a flood: the mock keeps at most 5 MB per partition.
            Thread.sleep(forTimeInterval: 0.0005)
        }
    }
}

/// Checks Kafka messages per key in partition order: a message at or before a position already
/// seen for its key must repeat what was seen there (a replayed, unacknowledged batch); every
/// other message must carry the key's next number. So no change is lost or reordered.
struct PerKeyOrderCheck {
    /// The highest number seen in order per user.
    var lastSequence: [String: Int] = [:]
    private var lastPosition: [String: (file: String, offset: UInt64)] = [:]
    private var numberAt: [String: Int] = [:]
    private(set) var problems: [String] = []
    /// Messages read, and how many of them were repeats.
    private(set) var messages = 0
    private(set) var repeats = 0
    var distinctChanges: Int { lastSequence.values.reduce(0, +) }

    mutating func observe(_ message: KafkaMessage) throws {
        messages += 1
        let key = String(decoding: message.key ?? [], as: UTF8.self)
        let object = try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any] ?? [:]
        let after = object["after"] as? [String: Any] ?? [:]
        let pos = object["pos"] as? [String: Any] ?? [:]
        guard let user = after["user_id"] as? String, let n = after["n"] as? Int, let file = pos["file"] as? String,
              let offset = (pos["offset"] as? NSNumber)?.uint64Value
        else {
            problems.append("unexpected message at \(message.partition)/\(message.offset)")
            return
        }
        if user != key { problems.append("message keyed \(key) carries user \(user)") }
        let positionKey = "\(file)#\(offset)#\(user)"
        if let last = lastPosition[user], (file, offset) <= (last.file, last.offset) {
            // A repeat: it must be a change already seen at that same position.
            repeats += 1
            if numberAt[positionKey] != n { problems.append("user \(user): \(n) at \(file):\(offset) is out of order (last \(last))") }
            return
        }
        let expected = lastSequence[user, default: 0] + 1
        if n != expected { problems.append("user \(user): got change \(n), expected \(expected) at \(file):\(offset)") }
        lastSequence[user] = max(n, lastSequence[user, default: 0])
        lastPosition[user] = (file, offset)
        numberAt[positionKey] = n
    }
}

/// A child process of the test: `portrait` with arguments, output to a log file (or a pipe).
final class ChildProcess {
    private let process = Process()
    private let stdin = Pipe()
    private let stdout: Pipe?
    private let log: URL?

    init(executable: URL, arguments: [String], environment: [String: String] = [:], log: URL? = nil, captureStdout: Bool = false) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // config/portrait.yaml and config/ingest.yaml are found relative to the repository.
        process.currentDirectoryURL = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        process.standardInput = stdin
        self.log = log
        if captureStdout {
            let pipe = Pipe()
            stdout = pipe
            process.standardOutput = pipe
        } else {
            stdout = nil
        }
        if let log {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            if !captureStdout { process.standardOutput = handle }
            process.standardError = handle
        }
        try process.run()
    }

    /// The first line the child prints.
    func readLine() throws -> String {
        guard let stdout else { throw CrashTestError("stdout is not captured") }
        var bytes: [UInt8] = []
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw CrashTestError("\(process.arguments?.first ?? "child") exited before printing a line") }
            bytes += chunk
        }
        return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// Sends `signal` and waits for the child to end.
    func signal(_ number: Int32) -> (reason: Process.TerminationReason, code: Int32) {
        if process.isRunning { _ = kill(process.processIdentifier, number) }
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// Whether the child still runs.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` without waiting (SIGSTOP, SIGCONT).
    func send(_ number: Int32) {
        if process.isRunning { _ = kill(process.processIdentifier, number) }
    }

    /// Waits for the child to end by itself.
    func waitForExit() -> (reason: Process.TerminationReason, code: Int32) {
        process.waitUntilExit()
        return (process.terminationReason, process.terminationStatus)
    }

    /// Closes the child's stdin (a `--exit-on-stdin-close` child then exits) and waits.
    func closeStdinAndWait() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// The end of the child's log, for failure messages.
    func logTail() -> String {
        guard let log, let text = try? String(contentsOf: log, encoding: .utf8) else { return "-" }
        return String(text.suffix(1_500))
    }
}
