import Foundation
import MySQL
import Testing

/// The replication client's start-up against the dev MariaDB.
@Suite("BinlogReader against the dev MariaDB")
struct BinlogReaderIntegrationTests {
    @Test func theDevServerPassesTheSourceCheck() throws {
        try BinlogReader.checkSource(MySQLConnection(configuration: CDCTestServices.configuration))
    }

    @Test func aStartPositionTheServerDoesNotHaveIsAClearError() throws {
        let configuration = BinlogReaderConfiguration(
            connection: try CDCTestServices.configuration, serverId: CDCTestServices.nextServerId(), start: .position(file: "binlog.999999", offset: 4), stopAtEnd: true)
        #expect {
            let reader = try BinlogReader(configuration: configuration)
            while try reader.next() != nil {}
        } throws: { error in
            guard case .replication(1236, let message) = error as? BinlogError else { return false }
            return !message.isEmpty
        }
        #expect(throws: BinlogError.self) {
            _ = try BinlogReader(configuration: BinlogReaderConfiguration(connection: try CDCTestServices.configuration, start: .gtid("0-1-1'; DROP TABLE x")))
        }
    }

    @Test func aGTIDStartReadsTheTransactionsAfterIt() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("reader_gtid")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY)")
        let state = try #require(try CDCTestServices.currentPosition().gtidSet)
        try db.execute("INSERT INTO t VALUES (?)", [.int(1)])
        try db.execute("INSERT INTO t VALUES (?)", [.int(2)])
        let reader = try BinlogReader(configuration: BinlogReaderConfiguration(
            connection: try CDCTestServices.configuration, serverId: CDCTestServices.nextServerId(), start: .gtid(state), stopAtEnd: true))
        var ids: [MySQLValue] = []
        var commits: [BinlogPosition] = []
        while let record = try reader.next() {
            if case .rows(let rows) = record.event, rows.table.database == database { ids += rows.rows.compactMap { $0.after?.first } }
            if record.isCommit { commits.append(record.position) }
        }
        #expect(ids == [.int(1), .int(2)])
        #expect(commits.last?.gtidSet != nil && commits.last?.file.hasPrefix("binlog.") == true)
    }
}
