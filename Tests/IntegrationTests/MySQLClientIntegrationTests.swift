import MySQL
import Testing

@Suite("MySQL client against the dev MariaDB", .serialized)
struct MySQLClientIntegrationTests {
    @Test func everyCommonColumnTypeRoundTripsThroughPreparedStatements() throws {
        let db = try TestServices.scratchDatabase("types")
        try db.executeText("""
            CREATE TABLE t (
              id INT PRIMARY KEY AUTO_INCREMENT, ti TINYINT, si SMALLINT, mi MEDIUMINT, i INT, bi BIGINT,
              ubi BIGINT UNSIGNED, f FLOAT, d DOUBLE, dec_ DECIMAL(20,6), vc VARCHAR(100), txt TEXT,
              bin VARBINARY(16), blb MEDIUMBLOB, dt DATE, tm TIME(6), dtm DATETIME(6), ts TIMESTAMP(3) NULL,
              yr YEAR, en ENUM('a','b'), st SET('x','y'), bt BIT(8), js JSON
            ) CHARACTER SET utf8mb4
            """)
        let values: [MySQLValue] = [
            .int(-128), .int(-32768), .int(-8388608), .int(-2147483648), .int(Int64.min),
            .uint(UInt64.max), .double(1.5), .double(-2.25e300), .decimal("-12345678901234.123456"),
            .string("naïve café"), .string("emoji 🙂👍🏽 and 中文"), .bytes([0, 1, 255, 0]), .bytes(Array(repeating: 7, count: 70_000)),
            .date(MySQLDate(year: 2026, month: 2, day: 28)),
            .time(MySQLTime(negative: true, hours: 838, minutes: 59, seconds: 58, microseconds: 999_999)),
            .datetime(MySQLDateTime(date: MySQLDate(year: 1999, month: 12, day: 31), hour: 23, minute: 59, second: 59, microsecond: 123_456)),
            .datetime(MySQLDateTime(date: MySQLDate(year: 2026, month: 11, day: 23), hour: 1, minute: 2, second: 3, microsecond: 456_000)),
            .int(2026), .string("b"), .string("x,y"), .bytes([0b1010_0101]), .string(#"{"k": [1, "ü"]}"#),
        ]
        let columns = "ti, si, mi, i, bi, ubi, f, d, dec_, vc, txt, bin, blb, dt, tm, dtm, ts, yr, en, st, bt, js"
        let placeholders = Array(repeating: "?", count: values.count).joined(separator: ", ")
        let insert = try db.execute("INSERT INTO t (\(columns)) VALUES (\(placeholders))", values)
        #expect(insert.affectedRows == 1)
        #expect(insert.lastInsertId == 1)
        try db.execute("INSERT INTO t (\(columns)) VALUES (\(placeholders))", Array(repeating: .null, count: values.count))

        let rows = try db.query("SELECT \(columns) FROM t ORDER BY id")
        #expect(rows.count == 2)
        for (index, expected) in values.enumerated() {
            #expect(rows[0].values[index] == expected, "column \(rows[0].columns.names[index])")
            #expect(rows[1].values[index] == .null, "column \(rows[1].columns.names[index]) should be NULL")
        }
        #expect(try rows[0].decode(String.self, "txt") == "emoji 🙂👍🏽 and 中文")
        #expect(try rows[0].decode(UInt64.self, "ubi") == UInt64.max)
        #expect(try rows[1].decode(Int?.self, "i") == nil)
        #expect(throws: MySQLError.self) { try rows[1].decode(Int.self, "i") }
    }

    @Test func parametersNeverBecomeSQL() throws {
        let db = try TestServices.scratchDatabase("injection")
        try db.executeText("CREATE TABLE users (name VARCHAR(100) PRIMARY KEY)")
        let hostile = "x'); DROP TABLE users; --"
        try db.execute("INSERT INTO users (name) VALUES (?)", [.string(hostile)])
        let rows = try db.query("SELECT name FROM users WHERE name = ?", [.string(hostile)])
        #expect(rows.count == 1)
        #expect(try rows[0].decode(String.self, "name") == hostile)
    }

    @Test func errorsAreClassified() throws {
        let db = try TestServices.scratchDatabase("errors")
        try db.executeText("CREATE TABLE k (id INT PRIMARY KEY)")
        try db.execute("INSERT INTO k VALUES (?)", [.int(1)])
        #expect { try db.execute("INSERT INTO k VALUES (?)", [.int(1)]) } throws: { error in
            if case .duplicateKey = error as? MySQLError { true } else { false }
        }
        #expect { try db.query("SELEKT 1") } throws: { error in
            if case .syntax = error as? MySQLError { true } else { false }
        }
        #expect { try db.query("SELECT ? + ?", [.int(1)]) } throws: { error in
            (error as? MySQLError) == .parameterCount(expected: 2, got: 1)
        }
        // The connection is still usable after errors.
        #expect(try db.query("SELECT COUNT(*) AS n FROM k").first?.decode(Int.self, "n") == 1)
    }

    @Test func largeResultsStreamRowByRow() throws {
        let db = try TestServices.scratchDatabase("stream")
        try db.executeText("CREATE TABLE s (id INT PRIMARY KEY, payload VARCHAR(300))")
        try db.execute("INSERT INTO s SELECT seq, REPEAT('p', seq % 300) FROM seq_1_to_50000")
        var count = 0
        var sum = 0
        var longest = 0
        try db.stream("SELECT id, payload FROM s ORDER BY id") { (row: MySQLRow) throws(MySQLError) in
            count += 1
            sum += try row.decode(Int.self, "id")
            longest = max(longest, try row.decode(String.self, "payload").count)
        }
        #expect(count == 50_000)
        #expect(sum == 50_000 * 50_001 / 2)
        #expect(longest == 299)
        var seen = 0
        try db.streamWhile("SELECT id FROM s ORDER BY id") { _ in seen += 1; return seen < 10 }
        #expect(seen == 10)
        #expect(try db.query("SELECT COUNT(*) AS n FROM s").first?.decode(Int.self, "n") == 50_000)
    }

    @Test func transactionsCommitOrRollBack() throws {
        let db = try TestServices.scratchDatabase("tx")
        try db.executeText("CREATE TABLE a (id INT PRIMARY KEY) ENGINE=InnoDB")
        try db.transaction { tx in try tx.execute("INSERT INTO a VALUES (?)", [.int(1)]) }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try db.transaction { tx in
                try tx.execute("INSERT INTO a VALUES (?)", [.int(2)])
                throw Abort()
            }
        }
        #expect(try db.query("SELECT id FROM a").map { try $0.decode(Int.self, "id") } == [1])
    }

    @Test func poolReusesConnections() throws {
        let pool = MySQLPool(configuration: try MySQLConfiguration(url: TestServices.mysqlURL), size: 2)
        let ids = try (0..<5).map { _ in
            try pool.withConnection { connection in try connection.query("SELECT CONNECTION_ID() AS id").first!.decode(Int.self, "id") }
        }
        #expect(Set(ids).count == 1)
    }

    @Test func unreachableServerAndBadPasswordAreOneClearError() throws {
        let port = TestServices.closedPort()
        #expect { try MySQLConnection(configuration: MySQLConfiguration(port: port, connectTimeoutSeconds: 2)) } throws: { error in
            guard case .connectionRefused(let endpoint, _) = error as? MySQLError else { return false }
            return endpoint == "127.0.0.1:\(port)"
        }
        var wrong = try MySQLConfiguration(url: TestServices.mysqlURL)
        wrong.password = "definitely-wrong"
        #expect { try MySQLConnection(configuration: wrong) } throws: { error in
            if case .authenticationFailed = error as? MySQLError { true } else { false }
        }
    }

    @Test func urlParsing() throws {
        let configuration = try MySQLConfiguration(url: "mysql://app%40x:p%3Ass@db.internal:3307/shop")
        #expect(configuration.user == "app@x")
        #expect(configuration.password == "p:ss")
        #expect(configuration.endpoint == "db.internal:3307")
        #expect(configuration.database == "shop")
        // Redaction lives in PortraitConfig's SecretRedaction (PortraitConfigTests); errors never echo the URL.
        #expect { try MySQLConfiguration(url: "mysql://u:secret@h:0/db") } throws: { !"\($0)".contains("secret") }
        #expect(throws: MySQLError.self) { try MySQLConfiguration(url: "postgres://x") }
        #expect(throws: MySQLError.self) { try MySQLConfiguration(url: "mysql://u@h:0/db") }
    }
}
