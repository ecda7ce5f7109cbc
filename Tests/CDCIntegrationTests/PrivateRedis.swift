import Foundation
import Redis

#if canImport(Glibc)
import Glibc
#endif

/// A Redis server of one test's own (a temporary directory, a free loopback port, AOF on), so
/// the test can stop and restart it without disturbing the tests that share the dev Redis.
final class PrivateRedis {
    let port: Int
    private let directory: URL
    private var process: Process?

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func url(db: Int) -> String { "redis://127.0.0.1:\(port)/\(db)" }

    /// Starts the server on its port with its data directory (what it persisted is loaded again).
    func start() throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        server.arguments = [
            "--port", "\(port)", "--bind", "127.0.0.1", "--dir", directory.path, "--appendonly", "yes",
            "--appendfsync", "everysec", "--save", "", "--logfile", directory.appendingPathComponent("redis.log").path,
        ]
        try server.run()
        process = server
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let connection = try? RedisConnection(url: url(db: 0)), (try? connection.command("PING"))?.string == "PONG" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CrashTestError("the private Redis on port \(port) did not answer within 30 s")
    }

    /// Stops the server cleanly: `SHUTDOWN` makes it write its append-only file and exit. (Not
    /// SIGTERM: children of the test runner inherit its blocked signal mask.)
    func stop() {
        guard let process, process.isRunning else { return }
        if let connection = try? RedisConnection(url: url(db: 0)) { _ = try? connection.command("SHUTDOWN") }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A port the kernel had free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CrashTestError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw CrashTestError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
