import Foundation
import Testing

/// A real `portrait serve` process on a free loopback port, on the test environment's MySQL
/// and Redis, for tests that need the HTTP decoder and the process itself. Stopped on `stop()`.
final class ServeProcess {
    let port: Int
    let pid: Int32
    private let process: Process
    private let directory: URL
    private let log: URL

    init(_ env: APITestEnvironment, redisDatabase: Int = 11) throws {
        let executable = try APIServiceTests.portraitExecutable()
        port = try RawHTTPClient.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--rate-limit", "0"]
        process.currentDirectoryURL = APITestEnvironment.root
        var environment = ProcessInfo.processInfo.environment
        environment["PORTRAIT_CONFIG"] = directory.appendingPathComponent("none.yaml").path
        environment["PORTRAIT_MYSQL_URL"] = env.mysqlConfiguration.url
        environment["PORTRAIT_REDIS_URL"] = "redis://\(env.redisConfiguration.host):\(env.redisConfiguration.port)/\(redisDatabase)"
        environment["PORTRAIT_HTTP_ADDR"] = "127.0.0.1:\(port)"
        environment["PORTRAIT_KAFKA_MOCK_BROKERS"] = "1"
        environment["PORTRAIT_KAFKA_PARTITIONS"] = "1"
        environment["PORTRAIT_LOG_LEVEL"] = "warning"
        process.environment = environment
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        pid = process.processIdentifier
        var healthy = false
        for _ in 0..<300 where !healthy {
            healthy = (try? RawHTTPClient.send(port: port, method: "GET", path: Array("/healthz".utf8)))?.status == 200
            if !healthy { Thread.sleep(forTimeInterval: 0.1) }
        }
        guard healthy else {
            stop()
            throw RawHTTPClient.Failure(description: "portrait serve did not answer /healthz; log: \(logTail())")
        }
    }

    var isRunning: Bool { process.isRunning }

    func logTail() -> String { String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2_000)) }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
