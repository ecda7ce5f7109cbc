import Foundation
import Redis

/// The Redis started by `scripts/services up`; these tests use database 16 (no other suite uses it) and keys under a
/// prefix unique to each test, so they never touch another suite's data.
enum RedisClientTestServices {
    static var configuration: RedisConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let url = environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:\(environment["PORTRAIT_REDIS_PORT"] ?? "6379")/0"
        var configuration = (try? RedisConfiguration(url: url)) ?? RedisConfiguration()
        configuration.database = 16  // 0–15 belong to other suites; scripts/services starts Redis with 32
        // These tests check answers, not deadlines: with the whole suite beside them on two
        // cores, a reply can take longer than the 5 s default, which closes the connection.
        configuration.timeoutMs = 60_000
        return configuration
    }

    /// A key prefix no other test uses.
    static func prefix(_ test: String) -> String { "test:nio:\(test):\(UUID().uuidString):" }
}
