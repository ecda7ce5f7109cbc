import Foundation
import MySQL

#if canImport(Glibc)
import Glibc
#endif

/// A MariaDB server of one test's own (a temporary data directory, a free loopback port, the
/// binlog set up as `scripts/services` sets it up), so the test can restart it without
/// disturbing the tests that share the dev MariaDB. User `portrait`/`portrait` may do anything.
final class PrivateMariaDB {
    let port: Int
    private let directory: URL
    private var process: Process?

    init() throws {
        // Short: the socket path must fit in 108 bytes.
        directory = URL(fileURLWithPath: "/tmp/portrait-mariadb-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try PrivateRedis.freePort()
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/mariadb-install-db")
        install.arguments = [
            "--no-defaults", "--auth-root-authentication-method=normal", "--skip-test-db", "--datadir=\(directory.appendingPathComponent("data").path)",
        ]
        install.standardOutput = try FileHandle(forWritingTo: logFile())
        install.standardError = install.standardOutput
        try install.run()
        install.waitUntilExit()
        guard install.terminationStatus == 0 else { throw CrashTestError("mariadb-install-db failed; see \(directory.path)/server.log") }
        // Runs at every start; `IF NOT EXISTS` makes it safe to repeat.
        try """
            CREATE DATABASE IF NOT EXISTS portrait CHARACTER SET utf8mb4;
            CREATE USER IF NOT EXISTS 'portrait'@'127.0.0.1' IDENTIFIED BY 'portrait';
            GRANT ALL PRIVILEGES ON *.* TO 'portrait'@'127.0.0.1';
            """.write(to: directory.appendingPathComponent("init.sql"), atomically: true, encoding: .utf8)
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var url: String { "mysql://portrait:portrait@127.0.0.1:\(port)/portrait" }

    var configuration: MySQLConfiguration {
        get throws { try MySQLConfiguration(url: url) }
    }

    /// Starts the server on its port with its data directory.
    func start() throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/sbin/mariadbd")
        server.arguments = [
            "--no-defaults", "--datadir=\(directory.appendingPathComponent("data").path)", "--socket=\(directory.appendingPathComponent("s.sock").path)",
            "--port=\(port)", "--bind-address=127.0.0.1", "--skip-name-resolve", "--server-id=1",
            "--log-bin=\(directory.appendingPathComponent("data/binlog").path)", "--binlog-format=ROW", "--binlog-row-image=FULL",
            "--binlog-row-metadata=FULL", "--character-set-server=utf8mb4", "--default-time-zone=+00:00",
            "--init-file=\(directory.appendingPathComponent("init.sql").path)",
        ] + (geteuid() == 0 ? ["--user=root"] : [])
        let log = try FileHandle(forWritingTo: logFile())
        _ = log.seekToEndOfFile()
        server.standardOutput = log
        server.standardError = log
        try server.run()
        process = server
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let connection = try? MySQLConnection(configuration: configuration), (try? connection.query("SELECT 1")) != nil { return }
            guard server.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw CrashTestError("the private MariaDB on port \(port) did not answer; see \(directory.path)/server.log")
    }

    /// Stops the server cleanly with `SHUTDOWN` (not SIGTERM: children of the test runner
    /// inherit its blocked signal mask), SIGKILL if it does not go within 30 s.
    func stop() {
        guard let process, process.isRunning else { return }
        if let connection = try? MySQLConnection(configuration: configuration) { try? connection.executeText("SHUTDOWN") }
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private func logFile() throws -> URL {
        let file = directory.appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: file.path) { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        return file
    }
}
