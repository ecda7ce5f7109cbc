import Foundation
import MySQL
import PortraitCore
import PortraitIngest
import PortraitProcessor
import Redis

/// What the process-level processor tests share: a metadata database of their own (so the
/// definitions one test creates never reach another test's processor), a Redis database of
/// their own, and the `portrait` CLI run with both.
struct ProcessorTestEnvironment {
    let executable: URL
    let metadataURL: String
    private(set) var redisURL: String
    let bootstrap: String

    /// Creates (or empties) `portrait_test_<name>` and migrates it; empties Redis database
    /// `redisDB` of the dev Redis, or the database at `redisURL` (a test's private server).
    init(name: String, redisDB: Int, bootstrap: String, redisURL privateRedis: String? = nil) throws {
        executable = try IngestCrashTests.portraitExecutable()
        let admin = try MySQLConnection(configuration: try CDCTestServices.configuration)
        let database = "portrait_test_\(name)"
        try admin.executeText("DROP DATABASE IF EXISTS `\(database)`")
        try admin.executeText("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
        var metadata = try CDCTestServices.configuration
        metadata.database = database
        metadataURL = "mysql://\(metadata.user):\(metadata.password)@\(metadata.host):\(metadata.port)/\(database)"
        let port = ProcessInfo.processInfo.environment["PORTRAIT_REDIS_PORT"] ?? "6379"
        redisURL = privateRedis ?? "redis://127.0.0.1:\(port)/\(redisDB)"
        self.bootstrap = bootstrap
        _ = try redis().command("FLUSHDB")
        let migrate = try portrait(["migrate"])
        guard migrate.status == 0 else { throw CrashTestError("migrate failed: \(migrate.output)") }
    }

    /// The same metadata and Kafka with another (emptied) Redis database.
    func withRedis(db: Int) throws -> ProcessorTestEnvironment {
        var copy = self
        let port = ProcessInfo.processInfo.environment["PORTRAIT_REDIS_PORT"] ?? "6379"
        copy.redisURL = "redis://127.0.0.1:\(port)/\(db)"
        _ = try copy.redis().command("FLUSHDB")
        return copy
    }

    /// The same metadata and Kafka with the Redis at `url` (a test's private server).
    func withRedis(url: String) throws -> ProcessorTestEnvironment {
        var copy = self
        copy.redisURL = url
        _ = try copy.redis().command("FLUSHDB")
        return copy
    }

    /// The history archive `portrait archive` writes and recomputes read (default: none).
    var archiveDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-no-archive").path

    var environment: [String: String] {
        [
            "PORTRAIT_MYSQL_URL": metadataURL, "PORTRAIT_REDIS_URL": redisURL, "PORTRAIT_KAFKA_BROKERS": bootstrap,
            "PORTRAIT_HISTORY_ARCHIVE_DIR": archiveDirectory,
        ]
    }

    func redis() throws -> RedisConnection { try RedisConnection(url: redisURL) }

    func metadata() throws -> MySQLConnection { try MySQLConnection(configuration: try MySQLConfiguration(url: metadataURL)) }

    /// Runs the CLI to completion; returns its status and combined output.
    @discardableResult
    func portrait(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Starts a long-running `portrait` role with this environment, logging to `log`.
    func start(_ arguments: [String], log: URL) throws -> ChildProcess {
        try ChildProcess(executable: executable, arguments: arguments, environment: environment, log: log)
    }

    /// The profile hash of `userId`, flat (``ProfileHash/flatFields(_:)``).
    func profile(_ userId: String) throws -> [String: String] {
        ProfileHash.flatFields(try redis().command("HGETALL", "p:{\(userId)}").hashFields)
    }

    /// Polls until `condition` holds for `userId`'s profile; returns the last profile seen. The
    /// deadline only bounds a failing run: nothing is asserted about how long it took.
    @discardableResult
    func waitForProfile(_ userId: String, seconds: Double = 90, until condition: ([String: String]) -> Bool) throws -> [String: String] {
        let deadline = Date().addingTimeInterval(seconds)
        var last = try profile(userId)
        while !condition(last), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            last = try profile(userId)
        }
        return last
    }

    /// A mapping file for `database`'s users and orders tables, like config/profiles.yaml.
    static func mappingFile(database: String, directory: URL) throws -> URL {
        let file = directory.appendingPathComponent("profiles.yaml")
        try """
            profile_tables:
              \(database).users:
                user_id: id
                attributes: {city: string, gender: string, birth_year: number, member_level: string, registered_at: {column: created_at, type: timestamp}}
            event_tables:
              \(database).orders:
                user_id: user_id
                type: purchase
                time: created_at
                fields: {amount: total, category: category, item_id: sku}
            event_topics: [events]
            """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// `portrait kafka-mock` with one broker and `topics` (`name:partitions`), as a child process
/// that ends when the test closes its stdin.
func startKafkaMock(_ executable: URL, topics: [String]) throws -> (process: ChildProcess, bootstrap: String) {
    let mock = try ChildProcess(
        executable: executable, arguments: ["kafka-mock", "--brokers", "1", "--exit-on-stdin-close"] + topics.flatMap { ["--topic", $0] },
        captureStdout: true)
    return (mock, try mock.readLine())
}
