import Foundation
import Testing

/// Issue 17 items 7 and 9 as a process: `portrait config` shows each key's effective value and
/// its source, and no password reaches stdout or stderr, whatever the URL looks like.
@Suite struct ConfigCommandProcessTests {
    static let secret = "s3cr3t-Pw"

    private func config(_ environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try APIServiceTests.portraitExecutable()
        process.arguments = ["config"]
        process.currentDirectoryURL = APITestEnvironment.root
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PORTRAIT_") }
        merged["PORTRAIT_CONFIG"] = "/nonexistent/portrait.yaml"
        merged.merge(environment) { $1 }
        process.environment = merged
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: [
        "rediss://:\(secret)@cache.example:6380", "REDIS://:\(secret)@cache.example", "unix://:\(secret)@/tmp/redis.sock",
        " redis://:\(secret)@cache.example", "redis://:\(secret)@cache.example:notaport",
    ])
    func invalidRedisURLsNeverPrintThePassword(url: String) throws {
        let (status, output) = try config(["PORTRAIT_REDIS_URL": url])
        #expect(status == 78, "\(output)")
        #expect(output.contains("redis.url"))
        #expect(!output.contains(Self.secret), "\(output)")
    }

    @Test func effectiveValuesShowTheirSourceAndHideSecrets() throws {
        let (status, output) = try config([
            "PORTRAIT_REDIS_URL": "redis://:\(Self.secret)@127.0.0.1:6390/2", "PORTRAIT_HTTP_ADDR": "127.0.0.1:9999",
            "PORTRAIT_MYSQL_URL": "mysql://app:\(Self.secret)@db.example:3307/meta",
        ])
        #expect(status == 0, "\(output)")
        #expect(!output.contains(Self.secret), "\(output)")
        #expect(output.contains("http.addr = 127.0.0.1:9999  (env"), "\(output)")
        #expect(output.contains("redis.url = redis://:***@127.0.0.1:6390/2  (env"), "\(output)")
        #expect(output.contains("log.level = info  (default"), "\(output)")
    }
}
