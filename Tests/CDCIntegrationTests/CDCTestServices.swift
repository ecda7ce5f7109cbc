import Foundation
import MySQL
import Synchronization

/// The dev MariaDB started by `scripts/services up`; these tests need it running.
enum CDCTestServices {
    static var mysqlURL: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:\(environment["PORTRAIT_MYSQL_PORT"] ?? "3306")/portrait"
    }

    static var configuration: MySQLConfiguration {
        get throws { try MySQLConfiguration(url: mysqlURL) }
    }

    /// A fresh scratch database `portrait_test_cdc_<name>` and a connection scoped to it.
    static func scratchDatabase(_ name: String) throws -> (name: String, connection: MySQLConnection) {
        let base = try configuration
        let admin = try MySQLConnection(configuration: base)
        let database = "portrait_test_cdc_\(name)"
        try admin.executeText("DROP DATABASE IF EXISTS `\(database)`")
        try admin.executeText("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
        var scoped = base
        scoped.database = database
        return (database, try MySQLConnection(configuration: scoped))
    }

    /// The binlog end now: each test reads from here, so tests never see each other's events.
    static func currentPosition() throws -> BinlogPosition {
        try BinlogReader.currentPosition(MySQLConnection(configuration: configuration))
    }

    private static let serverIds = Atomic<UInt32>(0x6000)

    /// A replica server id no other reader of this test run uses: the server drops an older
    /// stream that registers with the same id, so concurrent tests must not share one.
    static func nextServerId() -> UInt32 { serverIds.add(1, ordering: .relaxed).newValue }

    /// Every rows event of `database` from `start` to the binlog's end.
    static func rowsEvents(database: String, from start: BinlogPosition, serverId: UInt32 = nextServerId()) throws -> [RowsEvent] {
        let reader = try BinlogReader(configuration: BinlogReaderConfiguration(
            connection: configuration, serverId: serverId, start: .position(file: start.file, offset: start.offset), stopAtEnd: true))
        var events: [RowsEvent] = []
        while let record = try reader.next() {
            if case .rows(let rows) = record.event, rows.table.database == database { events.append(rows) }
        }
        return events
    }
}

/// A small deterministic generator (SplitMix64), so a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
