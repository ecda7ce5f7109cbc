import Foundation
import MySQL
import Synchronization
import Testing

/// A pooled connection killed on the server (`KILL <id>` from another connection), as a
/// restart of the server kills them all: the pool drops it, runs an idempotent statement once
/// more on a fresh connection, and leaves a non-idempotent one to the caller.
@Suite("MySQL pool replaces broken connections", .serialized)
struct MySQLPoolRetryTests {
    @Test func anIdempotentStatementRunsAgainOnAFreshConnection() throws {
        let (pool, admin) = try Self.poolWithTable("pool_retry_idempotent")
        let killed = try Self.connectionId(pool)
        try Self.killConnection(killed, from: admin)

        let attempts = Atomic<Int>(0)
        let ran = try pool.withConnection(idempotent: true) { db in
            attempts.add(1, ordering: .relaxed)
            try db.execute("INSERT INTO t (id, v) VALUES (1, 'saved') ON DUPLICATE KEY UPDATE v = VALUES(v)")
            return try db.query("SELECT CONNECTION_ID() AS id")[0].decode(UInt64.self, "id")
        }
        #expect(attempts.load(ordering: .relaxed) == 2, "the killed connection failed once, the fresh one succeeded")
        #expect(ran != killed)
        #expect(try admin.query("SELECT v FROM t WHERE id = 1").map { try $0.decode(String.self, "v") } == ["saved"])
        #expect(try Self.connectionId(pool) == ran, "the fresh connection went back to the pool")
    }

    @Test func aStatementThatIsNotIdempotentIsNotRunAgain() throws {
        let (pool, admin) = try Self.poolWithTable("pool_retry_once_only")
        try Self.killConnection(try Self.connectionId(pool), from: admin)

        let attempts = Atomic<Int>(0)
        #expect {
            try pool.withConnection { db in
                attempts.add(1, ordering: .relaxed)
                try db.execute("INSERT INTO t (v) VALUES ('once')")
            }
        } throws: { error in
            guard case .connectionLost = error as? MySQLError else { return false }
            return "\(error)".contains("broke during a statement") && !"\(error)".contains("cannot reach")
        }
        #expect(attempts.load(ordering: .relaxed) == 1)
        // The broken connection was dropped: the next caller gets a working one.
        try pool.withConnection { db in try db.execute("INSERT INTO t (v) VALUES ('next')") }
        #expect(try admin.query("SELECT v FROM t ORDER BY id").map { try $0.decode(String.self, "v") } == ["next"])
    }

    @Test func anUnreachableServerIsReportedAsSuch() throws {
        var configuration = try MySQLConfiguration(url: TestServices.mysqlURL)
        configuration.port = TestServices.closedPort()
        let pool = MySQLPool(configuration: configuration, size: 1)
        #expect {
            try pool.withConnection(idempotent: true) { db in try db.query("SELECT 1") }
        } throws: { error in
            guard case .connectionRefused = error as? MySQLError else { return false }
            return "\(error)".contains("cannot reach MySQL")
        }
    }

    /// A pool of one on a scratch database with table `t`, and a separate admin connection.
    static func poolWithTable(_ name: String) throws -> (MySQLPool, MySQLConnection) {
        let admin = try TestServices.scratchDatabase(name)
        try admin.executeText("CREATE TABLE t (id INT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(16) NOT NULL)")
        return (MySQLPool(configuration: admin.configuration, size: 1), admin)
    }

    /// Kills connection `id` and waits until the server has closed it.
    static func killConnection(_ id: UInt64, from admin: MySQLConnection) throws {
        try admin.executeText("KILL CONNECTION \(id)")
        var polls = 0
        while polls < 200, try !admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID = ?", [.uint(id)]).isEmpty {
            Thread.sleep(forTimeInterval: 0.01)
            polls += 1
        }
    }

    /// The server's id of the connection the pool lends next.
    static func connectionId(_ pool: MySQLPool) throws -> UInt64 {
        try pool.withConnection { db in try db.query("SELECT CONNECTION_ID() AS id")[0].decode(UInt64.self, "id") }
    }
}
