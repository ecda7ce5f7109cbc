import Foundation
import MySQL
import Redis

/// Where the services started by `scripts/services up` listen. Tests need them running.
enum TestServices {
    static let environment = ProcessInfo.processInfo.environment

    static var mysqlURL: String {
        environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:\(environment["PORTRAIT_MYSQL_PORT"] ?? "3306")/portrait"
    }

    static var redisURL: String {
        environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:\(environment["PORTRAIT_REDIS_PORT"] ?? "6379")/0"
    }

    /// A connection to a fresh, empty scratch database `portrait_test_<name>`.
    static func scratchDatabase(_ name: String) throws -> MySQLConnection {
        let base = try MySQLConfiguration(url: mysqlURL)
        let admin = try MySQLConnection(configuration: base)
        let database = "portrait_test_\(name)"
        try admin.executeText("DROP DATABASE IF EXISTS `\(database)`")
        try admin.executeText("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
        var scoped = base
        scoped.database = database
        return try MySQLConnection(configuration: scoped)
    }

    /// The test Redis, on `database`.
    static func redisConfiguration(database: Int) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: redisURL)
        configuration.database = database
        return configuration
    }

    /// A Redis connection on `database`, emptied first, so tests never touch real data.
    static func emptiedRedis(database: Int) throws -> RedisConnection {
        let connection = try RedisConnection(configuration: redisConfiguration(database: database))
        try connection.command("FLUSHDB")
        return connection
    }

    /// The shared scratch database, 15 (other suites empty it too: a test that must not be
    /// disturbed takes a database of its own).
    static func scratchRedis() throws -> RedisConnection {
        try emptiedRedis(database: 15)
    }

    /// A TCP port on loopback where nothing listens (bound, then released).
    static func closedPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
