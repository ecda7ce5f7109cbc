import Foundation
import Kafka
import MySQL
import Synchronization

/// The demo's sample business: a `shop` database with users and orders, and a generator of
/// traffic (new orders, profile updates, cancelled orders in MariaDB; page views and carts as
/// behaviour events on `<prefix>.events`).
enum DemoShop {
    static let database = "shop"
    static let cities = ["Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan", "Xi'an", "Paris", "Berlin", "Lyon"]
    static let levels = ["basic", "silver", "gold"]
    static let categories = ["books", "toys", "garden", "music", "food", "sport", "beauty"]

    /// Drops and re-creates the shop database with `users` users and a few orders each.
    static func create(on db: MySQLConnection, users: Int, random: inout some RandomNumberGenerator) throws {
        try db.executeText("DROP DATABASE IF EXISTS `\(database)`")
        try db.executeText("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
        try db.executeText("""
            CREATE TABLE `\(database)`.users (
                id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, city VARCHAR(64), gender CHAR(1),
                birth_year INT, member_level VARCHAR(16) NOT NULL,
                created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))
            """)
        try db.executeText("""
            CREATE TABLE `\(database)`.orders (
                id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NOT NULL, sku VARCHAR(32) NOT NULL,
                category VARCHAR(32) NOT NULL, total DECIMAL(12,2) NOT NULL,
                created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY ix_orders_user (user_id))
            """)
        try db.transaction { db in
            for id in 1...users {
                try db.execute(
                    "INSERT INTO `\(database)`.users (id, name, city, gender, birth_year, member_level) VALUES (?, ?, ?, ?, ?, ?)",
                    [.int(Int64(id)), .string("user\(id)"), .string(cities.randomElement(using: &random)!),
                     .string(Bool.random(using: &random) ? "F" : "M"), .int(Int64.random(in: 1950...2006, using: &random)),
                     .string(levels.randomElement(using: &random)!)])
            }
        }
    }

    /// One order for a random user, now.
    static func insertOrder(on db: MySQLConnection, users: Int, random: inout some RandomNumberGenerator) throws {
        try db.execute(
            "INSERT INTO `\(database)`.orders (user_id, sku, category, total) VALUES (?, ?, ?, ?)",
            [.int(Int64.random(in: 1...Int64(users), using: &random)), .string("SKU\(Int.random(in: 1000...9999, using: &random))"),
             .string(categories.randomElement(using: &random)!), .string(String(format: "%.2f", Double.random(in: 5...400, using: &random)))])
    }
}

/// Runs the demo traffic on its own thread until stopped.
final class DemoTraffic: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)
    private let counts = Mutex<(orders: Int, updates: Int, deletes: Int, events: Int)>((0, 0, 0, 0))

    var summary: String {
        let now = counts.withLock { $0 }
        return "\(now.orders) orders, \(now.updates) profile updates, \(now.deletes) cancellations, \(now.events) behaviour events"
    }

    func start(mysql: MySQLConfiguration, producer: KafkaProducer, eventsTopic: String, users: Int, ratePerSecond: Int) {
        Thread { [self] in
            defer { finished.withLock { $0 = true } }
            var random = SystemRandomNumberGenerator()
            do {
                let db = try MySQLConnection(configuration: mysql)
                let tick = 0.1
                let perTick = max(1, ratePerSecond / 10)
                while !stopped.load(ordering: .relaxed) {
                    for _ in 0..<perTick { try step(db: db, producer: producer, topic: eventsTopic, users: users, random: &random) }
                    try producer.flush(timeoutMs: 5_000)
                    Thread.sleep(forTimeInterval: tick)
                }
            } catch {
                FileHandle.standardError.write(Data("demo traffic stopped: \(error)\n".utf8))
            }
        }.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<100 where !finished.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// Mostly behaviour events, some orders, a few profile updates and cancellations.
    private func step(db: MySQLConnection, producer: KafkaProducer, topic: String, users: Int, random: inout SystemRandomNumberGenerator) throws {
        let roll = Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<15:
            try DemoShop.insertOrder(on: db, users: users, random: &random)
            counts.withLock { $0.orders += 1 }
        case 15..<18:
            try db.execute("UPDATE `\(DemoShop.database)`.users SET member_level = ?, city = ? WHERE id = ?",
                           [.string(DemoShop.levels.randomElement(using: &random)!), .string(DemoShop.cities.randomElement(using: &random)!),
                            .int(Int64.random(in: 1...Int64(users), using: &random))])
            counts.withLock { $0.updates += 1 }
        case 18:
            try db.execute("DELETE FROM `\(DemoShop.database)`.orders WHERE user_id = ? ORDER BY id LIMIT 1",
                           [.int(Int64.random(in: 1...Int64(users), using: &random))])
            counts.withLock { $0.deletes += 1 }
        default:
            let user = String(Int.random(in: 1...users, using: &random))
            let type = roll < 85 ? "view" : "cart"
            let ts = Int64(Date().timeIntervalSince1970 * 1_000)
            let category = DemoShop.categories.randomElement(using: &random)!
            let json = #"{"user_id":"\#(user)","type":"\#(type)","ts":\#(ts),"category":"\#(category)","item_id":"SKU\#(Int.random(in: 1000...9999, using: &random))"}"#
            try producer.enqueue(topic: topic, key: Array(user.utf8), value: Array(json.utf8))
            counts.withLock { $0.events += 1 }
        }
    }
}
