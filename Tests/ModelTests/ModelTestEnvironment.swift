import Foundation
import Learning
import MySQL
import PortraitMetadata
import PortraitModels
import PortraitProcessor
import Redis

/// The real services the model tests run against: a scratch database `portrait_test_models`
/// with every migration, and Redis database 6, emptied. Start them with `scripts/services up`.
struct ModelTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let mysql: MySQLConnection
    let redis: RedisConnection
    let registry: ModelRegistry

    init() throws {
        var base = try MySQLConfiguration(url: Self.environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:3306/portrait")
        let server = try MySQLConnection(configuration: base)
        try server.executeText("DROP DATABASE IF EXISTS `portrait_test_models`")
        try server.executeText("CREATE DATABASE `portrait_test_models` CHARACTER SET utf8mb4")
        base.database = "portrait_test_models"
        mysql = try MySQLConnection(configuration: base)
        try MigrationRunner(connection: mysql).apply(try Migration.load(directory: Self.root.appendingPathComponent("migrations").path))
        registry = ModelRegistry(connection: mysql)

        var redisConfiguration = try RedisConfiguration(url: Self.environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        redisConfiguration.database = 6
        redis = try RedisConnection(configuration: redisConfiguration)
        _ = try redis.command("FLUSHDB")
    }

    /// Writes a profile hash as the processor would (with `_updated`) and registers the user
    /// in its partition's set.
    func writeProfile(_ userId: String, partition: Int32, updated: Int64 = 1_700_000_000_000, _ fields: [String: String]) throws {
        var command: [any RedisArgument] = ["HSET", ProfileKeys.profile(userId), "_updated", String(updated)]
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) { command += [field, value] }
        try redis.command(command)
        try redis.command("SADD", ProfileKeys.users(partition: partition), userId)
    }

    /// `count` shoppers over four partitions: `m.spend` and `m.visits` drive `t.buyer`
    /// (logistic in 0.8·spend + 0.5·visits − 6, seeded), `m.noise` is unrelated.
    /// With `shuffledLabels` the buyer tags are those of another user: same rate, no signal.
    func writeShoppers(count: Int, seed: UInt64 = 7, shuffledLabels: Bool = false) throws {
        var generator = SeededGenerator(seed: seed)
        var rows: [(spend: Double, visits: Double, noise: Double, buyer: Bool)] = []
        for _ in 0 ..< count {
            let spend = (generator.nextUnit() * 10).rounded(), visits = (generator.nextUnit() * 8).rounded()
            let noise = (generator.nextUnit() * 5).rounded()
            let p = 1 / (1 + exp(-(0.8 * spend + 0.5 * visits - 6)))
            rows.append((spend, visits, noise, generator.nextUnit() < p))
        }
        var buyers = rows.map(\.buyer)
        if shuffledLabels { buyers.shuffle(using: &generator) }
        for (index, row) in rows.enumerated() {
            try writeProfile("u\(index)", partition: Int32(index % 4), updated: 1_700_000_000_000 + Int64(index), [
                "m.spend": String(Int(row.spend)), "m.visits": String(Int(row.visits)), "m.noise": String(Int(row.noise)),
                "t.buyer": buyers[index] ? "true" : "false",
            ])
        }
    }

    /// `count` users in three well-separated groups on (m.a, m.b).
    func writeClusters(count: Int, seed: UInt64 = 3) throws {
        var generator = SeededGenerator(seed: seed)
        let centres: [(Double, Double)] = [(0, 0), (50, 0), (0, 50)]
        for index in 0 ..< count {
            let centre = centres[index % 3]
            try writeProfile("c\(index)", partition: Int32(index % 2), [
                "m.a": String(centre.0 + generator.nextGaussian()), "m.b": String(centre.1 + generator.nextGaussian()),
            ])
        }
    }
}
