import Foundation
import Learning
import Logging
import MySQL
import PortraitJobs
import PortraitMetadata
import PortraitProcessor
import PortraitScheduler
import Redis

/// The real services the runner tests use: a scratch database `portrait_test_jobs` with every
/// migration and Redis database 7, emptied; a scheduler with the shipped runners and a manual
/// clock. Start the services with `scripts/services up`.
struct JobRunnerTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let mysql: MySQLConnection
    let redis: RedisConnection
    let store: JobStore
    let scheduler: Scheduler
    let clock: ManualClock

    init(start: Date) throws {
        var base = try MySQLConfiguration(url: Self.environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:3306/portrait")
        let server = try MySQLConnection(configuration: base)
        try server.executeText("DROP DATABASE IF EXISTS `portrait_test_jobs`")
        try server.executeText("CREATE DATABASE `portrait_test_jobs` CHARACTER SET utf8mb4")
        base.database = "portrait_test_jobs"
        mysql = try MySQLConnection(configuration: base)
        try MigrationRunner(connection: mysql).apply(try Migration.load(directory: Self.root.appendingPathComponent("migrations").path))

        var redisConfiguration = try RedisConfiguration(url: Self.environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        redisConfiguration.database = 7
        redis = try RedisConnection(configuration: redisConfiguration)
        _ = try redis.command("FLUSHDB")

        let pool = MySQLPool(configuration: base, size: 4)
        let profiles = RedisPool(configuration: redisConfiguration, size: 2)
        var runners = JobRunners()
        runners.register(RetrainRunner(mysql: pool, redis: profiles), for: .retrain)
        runners.register(SegmentSizesRunner(mysql: pool, redis: profiles), for: .segmentSizes)
        var logger = Logger(label: "test.jobs")
        logger.logLevel = .critical
        clock = ManualClock(start)
        store = JobStore(pool: pool)
        scheduler = Scheduler(store: store, leases: JobLeases(pool: pool), runners: runners, clock: clock,
                              options: SchedulerOptions(holder: "test-node"), logger: logger)
    }

    /// Moves the clock to `date` and ticks once.
    @discardableResult
    func tick(at date: Date) async throws -> [RunReport] {
        clock.set(date)
        return try await scheduler.tick(now: date)
    }

    /// Writes a profile as the processor would (`_updated`, partition set).
    func writeProfile(_ userId: String, partition: Int32, updated: Int64, _ fields: [String: String]) throws {
        var command: [any RedisArgument] = ["HSET", ProfileKeys.profile(userId), "_updated", String(updated)]
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) { command += [field, value] }
        try redis.command(command)
        try redis.command("SADD", ProfileKeys.users(partition: partition), userId)
    }

    /// `count` shoppers whose `t.buyer` follows 0.8·spend + 0.5·visits − 6 (logistic, seeded);
    /// with `shuffledLabels` the tags are those of other users: same rate, no signal.
    func writeShoppers(count: Int, shuffledLabels: Bool = false) throws {
        var generator = SeededGenerator(seed: 7)
        var rows: [(spend: Double, visits: Double, buyer: Bool)] = []
        for _ in 0 ..< count {
            let spend = (generator.nextUnit() * 10).rounded(), visits = (generator.nextUnit() * 8).rounded()
            rows.append((spend, visits, generator.nextUnit() < 1 / (1 + exp(-(0.8 * spend + 0.5 * visits - 6)))))
        }
        var buyers = rows.map(\.buyer)
        if shuffledLabels { buyers.shuffle(using: &generator) }
        for (index, row) in rows.enumerated() {
            try writeProfile("u\(index)", partition: Int32(index % 4), updated: 1_700_000_000_000 + Int64(index), [
                "m.spend": String(Int(row.spend)), "m.visits": String(Int(row.visits)), "t.buyer": buyers[index] ? "true" : "false",
            ])
        }
    }
}

/// `yyyy-MM-dd HH:mm[:ss]` in UTC.
func utc(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
}
