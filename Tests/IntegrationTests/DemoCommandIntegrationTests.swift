import Foundation
import MySQL
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import Redis
import Testing

/// `portrait demo` as a user runs it (the built executable) against a metadata store where its
/// examples were retired and changed: it must restore them, so its profiles carry the example tags.
@Suite("portrait demo")
struct DemoCommandIntegrationTests {
    /// The demo empties this Redis database; no other test uses it.
    static let redisDatabase = 1  // 12 and 13 are the processor end-to-end tests'

    @Test func restoresRetiredAndChangedExamplesSoProfilesCarryTheExampleTags() throws {
        let metadata = try TestServices.scratchDatabase("demo")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try MigrationRunner(connection: metadata).apply(try Migration.load(directory: root.appendingPathComponent("migrations").path))
        let store = DefinitionStore(connection: metadata)
        let day: Int64 = 86_400_000
        let window = MetricWindow.sliding(lengthMs: 30 * day, bucketMs: day)
        // As a previous run and an operator left them: spend_30d retired, value_tier changed to a
        // constant, city_tier retired; plus a definition of the operator's own.
        try store.create(MetricDefinition(name: "spend_30d", filter: #"event.type == "purchase""#, aggregation: .sum, field: "amount",
                                          window: window, status: .active), author: "test")
        try store.setStatus(MetricDefinition.self, named: "spend_30d", to: .retired, author: "test")
        try store.create(TagDefinition(name: "value_tier", kind: .enumerated, expression: #""changed""#, status: .active), author: "test")
        try store.create(TagDefinition(name: "city_tier", kind: .enumerated, expression: #""9""#, status: .active), author: "test")
        try store.setStatus(TagDefinition.self, named: "city_tier", to: .retired, author: "test")
        let own = TagDefinition(name: "operators_own", expression: "false", status: .draft)
        try store.create(own, author: "test")

        var redisConfiguration = try RedisConfiguration(url: TestServices.redisURL)
        redisConfiguration.database = Self.redisDatabase
        let redis = try RedisConnection(configuration: redisConfiguration)
        _ = try redis.command("FLUSHDB")

        let demo = try Self.startDemo(root: root, metadata: metadata, redis: redisConfiguration)
        defer {
            if demo.isRunning { demo.interrupt() }
            demo.waitUntilExit()
        }
        // Wait (bounded) for user 1's profile to carry both restored tags; the demo keeps running meanwhile.
        let deadline = Date().addingTimeInterval(180)
        var tags: [String: String] = [:]
        while Date() < deadline, demo.isRunning {
            tags = try Self.tags(of: "1", redis: redis)
            if tags["city_tier"] != nil, tags["value_tier"] != nil { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(demo.isRunning, "the demo stopped early (status \(demo.isRunning ? 0 : demo.terminationStatus))")
        #expect(["1", "2", "3"].contains(tags["city_tier"] ?? "none"), "tags of user 1: \(tags)")
        #expect(["bronze", "silver", "gold"].contains(tags["value_tier"] ?? "none"), "tags of user 1: \(tags)")

        for example in ["city_tier", "value_tier"] {
            let current = try #require(try store.current(TagDefinition.self, named: example))
            #expect(current.definition.status == .active)
            #expect(current.definition.expression != #""changed""# && current.definition.expression != #""9""#)
        }
        #expect(try store.current(MetricDefinition.self, named: "spend_30d")?.definition.status == .active)
        let untouched = try #require(try store.current(TagDefinition.self, named: "operators_own"))
        #expect(untouched.version == 1 && untouched.definition == own)
    }

    /// The demo's tags of one user (the `t` section of `p:{id}`, read as the API reads it).
    static func tags(of userId: String, redis: RedisConnection) throws -> [String: String] {
        let fields = ProfileHash.flatFields(try redis.command("HGETALL", "p:{\(userId)}").hashFields)
        var tags: [String: String] = [:]
        for (field, value) in fields where field.hasPrefix("t.") { tags[String(field.dropFirst(2))] = value }
        return tags
    }

    static func startDemo(root: URL, metadata: MySQLConnection, redis: RedisConfiguration) throws -> Process {
        let executable = root.appendingPathComponent(".build/debug/portrait")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw DemoTestError(description: "\(executable.path) is missing: run `swift build` before `swift test`")
        }
        let mysql = metadata.configuration
        let process = Process()
        process.executableURL = executable
        process.arguments = ["demo", "--users", "40", "--rate", "40"]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["PORTRAIT_MYSQL_URL"] = "mysql://\(mysql.user):\(mysql.password)@\(mysql.host):\(mysql.port)/\(mysql.database ?? "")"
        environment["PORTRAIT_REDIS_URL"] = "redis://\(redis.host):\(redis.port)/\(redis.database)"
        environment["PORTRAIT_HTTP_ADDR"] = "127.0.0.1:\(TestServices.closedPort())"
        environment["PORTRAIT_KAFKA_BROKERS"] = "mock"
        environment["PORTRAIT_LOG_LEVEL"] = "warning"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

struct DemoTestError: Error, CustomStringConvertible {
    var description: String
}
