import Foundation
import MySQL
import PortraitIngest
import Testing

/// Binlogs without column names (`binlog_row_metadata=MINIMAL`, as MySQL 5.7 or a default
/// MySQL 8/MariaDB writes them): the ingest names columns, signedness, charsets and ENUM/SET
/// values from information_schema, and refuses rather than guess when the table changed again.
///
/// The server variable is global: it is MINIMAL only around these tests' own writes and put
/// back to FULL right after, even when a write fails (the portrait dev user has BINLOG ADMIN
/// for this, see scripts/services). Since every other test's binlog writes in that moment lose
/// their names too, scripts/test runs this suite alone, after the rest.
@Suite("Binlogs without column names against the dev MariaDB", .serialized)
struct MinimalRowMetadataIntegrationTests {
    /// Runs `writes` with `binlog_row_metadata=MINIMAL`, restoring FULL afterwards.
    static func withMinimalRowMetadata(_ writes: (MySQLConnection) throws -> Void, database: String) throws {
        let admin = try MySQLConnection(configuration: CDCTestServices.configuration)
        try admin.executeText("SET GLOBAL binlog_row_metadata = 'MINIMAL'")
        defer { try? admin.executeText("SET GLOBAL binlog_row_metadata = 'FULL'") }
        var scoped = try CDCTestServices.configuration
        scoped.database = database
        try writes(try MySQLConnection(configuration: scoped))
    }

    static func afters(_ envelopes: [[String: Any]]) -> [[String: String]] {
        envelopes.map { ($0["after"] as? [String: Any] ?? [:]).mapValues { "\($0)" } }
    }

    @Test func columnsComeFromInformationSchemaAcrossAddAndDropColumn() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("minimal")
        try db.executeText("""
            CREATE TABLE t (id INT UNSIGNED PRIMARY KEY, big BIGINT UNSIGNED, small TINYINT, e ENUM('red','green','blue'),
              s SET('a','b','c'), name VARCHAR(20) CHARACTER SET latin1, bin VARBINARY(8), txt TEXT)
            """)
        let harness = try IngestTestHarness(name: "minimal", database: database)
        try harness.startFromCurrentPosition()
        let start = try CDCTestServices.currentPosition()
        try Self.withMinimalRowMetadata({ db in
            try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
                .int(1), .uint(UInt64.max), .int(-128), .string("green"), .string("a,c"), .string("café"), .bytes([0, 255]), .string("emoji 😀"),
            ])
            try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [.int(4_000_000_000), .null, .int(127), .string("blue"), .string(""), .null, .null, .null])
            try db.execute("UPDATE t SET e = ?, big = ? WHERE id = ?", [.string("red"), .uint(1 << 63), .int(1)])
            try db.execute("DELETE FROM t WHERE id = ?", [.int(4_000_000_000)])
        }, database: database)
        // The precondition: these TABLE_MAP events really carry no column names.
        let logged = try CDCTestServices.rowsEvents(database: database, from: start)
        #expect(logged.count == 4 && logged.allSatisfy { !$0.table.hasColumnNames })

        let first = try harness.run()
        #expect(first.map { $0["op"] as? String } == ["c", "c", "u", "d"])
        #expect(Self.afters(first)[0] == [
            "id": "1", "big": "18446744073709551615", "small": "-128", "e": "green", "s": "a,c", "name": "café", "bin": "AP8=", "txt": "emoji 😀",
        ])
        #expect(Self.afters(first)[1]["id"] == "4000000000" && Self.afters(first)[1]["e"] == "blue")
        #expect(((first[2]["before"] as? [String: Any]) ?? [:]).mapValues { "\($0)" }["e"] == "green")
        #expect(Self.afters(first)[2]["big"] == "9223372036854775808" && Self.afters(first)[2]["e"] == "red")
        #expect((first[3]["pk"] as? [String: Any])?["id"] as? Int == 4_000_000_000, "the primary key comes from information_schema too")

        // ADD COLUMN in the middle: every later column shifts by one.
        try Self.withMinimalRowMetadata({ db in
            try db.executeText("ALTER TABLE t ADD COLUMN extra INT AFTER id")
            try db.execute("INSERT INTO t (id, extra, big, e, name) VALUES (?, ?, ?, ?, ?)", [.int(2), .int(-7), .uint(42), .string("red"), .string("two")])
            try db.execute("UPDATE t SET extra = ? WHERE id = ?", [.int(11), .int(1)])
        }, database: database)
        let second = try harness.run()
        #expect(second.map { $0["op"] as? String } == ["c", "u"])
        #expect(Self.afters(second)[0]["extra"] == "-7" && Self.afters(second)[0]["big"] == "42" && Self.afters(second)[0]["name"] == "two")
        #expect(Self.afters(second)[1]["extra"] == "11" && Self.afters(second)[1]["e"] == "red" && Self.afters(second)[1]["name"] == "café")
        #expect(second.allSatisfy { $0["schema_version"] as? Int == 2 })

        // DROP COLUMN: the names after it shift back.
        try Self.withMinimalRowMetadata({ db in
            try db.executeText("ALTER TABLE t DROP COLUMN name")
            try db.execute("INSERT INTO t (id, extra, txt) VALUES (?, ?, ?)", [.int(3), .int(3), .string("three")])
            try db.execute("UPDATE t SET small = id")  // every row, so each row's last envelope has the final columns
            try db.execute("DELETE FROM t WHERE id = ?", [.int(2)])
        }, database: database)
        let third = try harness.run()
        #expect(third.map { $0["op"] as? String } == ["c", "u", "u", "u", "d"])
        #expect(third.allSatisfy { ($0["after"] as? [String: Any])?["name"] == nil && ($0["before"] as? [String: Any])?["name"] == nil })
        #expect(Self.afters(third)[0] == ["id": "3", "extra": "3", "big": "<null>", "small": "<null>", "e": "<null>", "s": "<null>", "bin": "<null>", "txt": "three"]
                || Self.afters(third)[0]["txt"] == "three")

        let streamed = IngestTestHarness.replay(first + second + third)
        let selected = try IngestTestHarness.expectedRows(db, "SELECT * FROM t")
        #expect(selected.count == 2)
        #expect(Set(streamed.keys) == Set(selected.keys))
        for (key, row) in selected {
            #expect((streamed[key] as NSDictionary?) == (row as NSDictionary), "row \(key): table \(row) ≠ stream \(String(describing: streamed[key]))")
        }
    }

    @Test func refusesRowsWhoseTableChangedAgainLaterInsteadOfMisnamingThem() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("minimal_lag")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10))")
        let harness = try IngestTestHarness(name: "minimal_lag", database: database)
        try harness.startFromCurrentPosition()
        let saved = try harness.store.load()
        // Two DDLs ahead of the ingest: information_schema only knows the last version, which
        // has the same column count and types as the first (id INT, b VARCHAR(10)).
        try Self.withMinimalRowMetadata({ db in
            try db.execute("INSERT INTO t VALUES (?, ?)", [.int(1), .string("a1")])
            try db.executeText("ALTER TABLE t ADD COLUMN b VARCHAR(10)")
            try db.execute("INSERT INTO t VALUES (?, ?, ?)", [.int(2), .string("a2"), .string("b2")])
            try db.executeText("ALTER TABLE t DROP COLUMN a")
        }, database: database)
        #expect {
            try harness.run()
        } throws: { error in
            "\(error)".contains("cannot name the columns of \(database).t") && "\(error)".contains("changed again")
        }
        #expect(try harness.envelopes().isEmpty, "nothing was decoded against the wrong schema")
        #expect(try harness.store.load() == saved)
    }
}
