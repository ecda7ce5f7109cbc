import Foundation
import MySQL
import Testing

/// Every column type through the dev MariaDB's binlog: each decoded before/after image must
/// equal the row read back with SELECT right after the change.
@Suite("Row decoding against the dev MariaDB binlog", .serialized)
struct RowDecodingIntegrationTests {
    static let columns: [(name: String, type: String)] = [
        ("ti", "TINYINT"), ("uti", "TINYINT UNSIGNED"), ("si", "SMALLINT"), ("usi", "SMALLINT UNSIGNED"),
        ("mi", "MEDIUMINT"), ("umi", "MEDIUMINT UNSIGNED"), ("i", "INT"), ("ui", "INT UNSIGNED"),
        ("bi", "BIGINT"), ("ubi", "BIGINT UNSIGNED"),
        ("d65", "DECIMAL(65,30)"), ("d65i", "DECIMAL(65,0)"), ("d10", "DECIMAL(10,2)"), ("d4", "DECIMAL(4,4)"),
        ("f", "FLOAT"), ("dbl", "DOUBLE"), ("b1", "BIT(1)"), ("b10", "BIT(10)"), ("b64", "BIT(64)"),
        ("c", "CHAR(10)"), ("c200", "CHAR(200)"), ("vc", "VARCHAR(300)"), ("vcs", "VARCHAR(20)"),
        ("vcl", "VARCHAR(20) CHARACTER SET latin1"), ("tx", "TEXT"), ("mt", "MEDIUMTEXT"),
        ("bn", "BINARY(8)"), ("vb", "VARBINARY(100)"), ("bl", "BLOB"), ("lb", "LONGBLOB"),
        ("dt", "DATE"), ("tm0", "TIME"), ("tm1", "TIME(1)"), ("tm3", "TIME(3)"), ("tm6", "TIME(6)"),
        ("dtm0", "DATETIME"), ("dtm2", "DATETIME(2)"), ("dtm6", "DATETIME(6)"),
        ("ts0", "TIMESTAMP NULL"), ("ts3", "TIMESTAMP(3) NULL"), ("ts6", "TIMESTAMP(6) NULL"),
        ("yr", "YEAR"), ("en", "ENUM('a','b','ü🙂', 'long value')"), ("st", "SET('x','y','z','ω')"), ("js", "JSON"),
    ]

    static func createTable(_ db: MySQLConnection) throws {
        let definitions = columns.map { "`\($0.name)` \($0.type)" }.joined(separator: ", ")
        try db.executeText("CREATE TABLE t (id INT PRIMARY KEY, \(definitions)) CHARACTER SET utf8mb4")
    }

    /// A random value for column `name`, NULL one time in six; extremes one time in four.
    static func randomValue(_ name: String, _ random: inout SeededGenerator) -> MySQLValue {
        if Int.random(in: 0..<6, using: &random) == 0 { return .null }
        let extreme = Int.random(in: 0..<4, using: &random) == 0
        func signed(_ bits: Int) -> MySQLValue {
            let low = bits == 64 ? Int64.min : -(Int64(1) << (bits - 1)), high = bits == 64 ? Int64.max : (Int64(1) << (bits - 1)) - 1
            if extreme { return .int(Bool.random(using: &random) ? low : high) }
            return .int(Int64.random(in: low...high, using: &random))
        }
        func unsigned(_ bits: Int) -> MySQLValue {
            let high = bits == 64 ? UInt64.max : (UInt64(1) << bits) - 1
            if extreme { return .uint(Bool.random(using: &random) ? 0 : high) }
            return .uint(UInt64.random(in: 0...high, using: &random))
        }
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
        }
        func text(_ maxCount: Int) -> String {
            let alphabet = Array("abcXYZ 0123 ïüé中文🙂👍🏽\"'\\\n\t")
            return String((0..<Int.random(in: 0...maxCount, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        // MySQL counts code points, and 👍🏽 is two of them.
        func clip(_ text: String, _ count: Int) -> String { String(String.UnicodeScalarView(text.unicodeScalars.prefix(count))) }
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        let sign = Bool.random(using: &random) ? "-" : ""
        switch name {
        case "ti": return signed(8)
        case "uti": return unsigned(8)
        case "si": return signed(16)
        case "usi": return unsigned(16)
        case "mi": return signed(24)
        case "umi": return unsigned(24)
        case "i": return signed(32)
        case "ui": return unsigned(32)
        case "bi": return signed(64)
        case "ubi": return unsigned(64)
        case "d65": return .decimal(extreme ? "\(sign)\(String(repeating: "9", count: 35)).\(String(repeating: "9", count: 30))" : "\(sign)\(digits(Int.random(in: 1...35, using: &random))).\(digits(30))")
        case "d65i": return .decimal(extreme ? "\(sign)\(String(repeating: "9", count: 65))" : "\(sign)\(digits(Int.random(in: 1...65, using: &random)))")
        case "d10": return .decimal("\(sign)\(digits(Int.random(in: 1...8, using: &random))).\(digits(2))")
        case "d4": return .decimal("\(sign)0.\(digits(4))")
        case "f": return .double(Double(Float(Int.random(in: -100_000...100_000, using: &random)) / 64))
        case "dbl": return .double(extreme ? (Bool.random(using: &random) ? Double.greatestFiniteMagnitude : -Double.leastNormalMagnitude) : Double.random(in: -1e300...1e300, using: &random))
        case "b1": return .bytes([UInt8.random(in: 0...1, using: &random)])
        case "b10": return .bytes([UInt8.random(in: 0...3, using: &random), UInt8.random(in: 0...255, using: &random)])
        case "b64": return .bytes(bytes(8))
        case "c": return .string(clip(text(10), 10).replacingOccurrences(of: " ", with: "_"))
        case "c200": return .string(clip(text(200), 200).replacingOccurrences(of: " ", with: "_"))
        case "vc": return .string(clip(text(300), 300))
        case "vcs": return .string(clip(text(20), 20))
        case "vcl": return .string(["naïve café", "Ærø ß ÿ", "plain", "€ ‰ œ"].randomElement(using: &random)!)
        case "tx": return .string(text(2000))
        case "mt": return .string(text(70_000))
        case "bn": return .bytes(bytes(Int.random(in: 0...8, using: &random)))
        case "vb": return .bytes(bytes(Int.random(in: 0...100, using: &random)))
        case "bl": return .bytes(bytes(Int.random(in: 0...65_535, using: &random)))
        case "lb": return .bytes(bytes(Int.random(in: 0...3000, using: &random)))
        case "dt": return .date(MySQLDate(year: Int.random(in: 1000...9999, using: &random), month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random)))
        case "tm0", "tm1", "tm3", "tm6":
            let fsp = Int(name.dropFirst(2))!
            let divisor = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1][fsp]
            if extreme { return .time(MySQLTime(negative: Bool.random(using: &random), hours: 838, minutes: 59, seconds: 59, microseconds: fsp == 0 ? 0 : 999_999 / divisor * divisor)) }
            return .time(MySQLTime(
                negative: Bool.random(using: &random), hours: Int.random(in: 0...838, using: &random), minutes: Int.random(in: 0...59, using: &random),
                seconds: Int.random(in: 0...59, using: &random), microseconds: Int.random(in: 0...999_999, using: &random) / divisor * divisor))
        case "dtm0", "dtm2", "dtm6", "ts0", "ts3", "ts6":
            let fsp = Int(name.dropFirst(name.hasPrefix("ts") ? 2 : 3))!
            let divisor = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1][fsp]
            let years = name.hasPrefix("ts") ? 1971...2037 : 1000...9999
            return .datetime(MySQLDateTime(
                date: MySQLDate(year: Int.random(in: years, using: &random), month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random)),
                hour: Int.random(in: 0...23, using: &random), minute: Int.random(in: 0...59, using: &random), second: Int.random(in: 0...59, using: &random),
                microsecond: Int.random(in: 0...999_999, using: &random) / divisor * divisor))
        case "yr": return .int(extreme ? 2155 : Int64.random(in: 1901...2155, using: &random))
        case "en": return .string(["a", "b", "ü🙂", "long value"].randomElement(using: &random)!)
        case "st": return .string(["", "x", "y,z", "x,y,z,ω", "ω"].randomElement(using: &random)!)
        case "js": return .string(#"{"k": [1, "ü🙂", null, true], "n": {"deep": \#(Int.random(in: 0...1000, using: &random))}}"#)
        default: return .null
        }
    }

    static func selectRow(_ db: MySQLConnection, id: Int) throws -> [MySQLValue] {
        let names = (["id"] + columns.map(\.name)).map { "`\($0)`" }.joined(separator: ", ")
        return try db.query("SELECT \(names) FROM t WHERE id = ?", [.int(Int64(id))]).first?.values ?? []
    }

    @Test func everyTypeDecodesToTheValueSelectReturns() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("types")
        try Self.createTable(db)
        let start = try CDCTestServices.currentPosition()
        var random = SeededGenerator(seed: 20_261_123)
        var expected: [(kind: RowsEvent.Kind, before: [MySQLValue]?, after: [MySQLValue]?)] = []
        var live: [Int: [MySQLValue]] = [:]
        let names = Self.columns.map(\.name)
        let insertSQL = "INSERT INTO t (id, \(names.map { "`\($0)`" }.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: names.count)))"
        for id in 1...60 {
            try db.execute(insertSQL, [.int(Int64(id))] + names.map { Self.randomValue($0, &random) })
            let row = try Self.selectRow(db, id: id)
            expected.append((.insert, nil, row))
            live[id] = row
        }
        // Deep JSON, a 16 MB blob, zero dates, all-NULL, and a row of minimums.
        let deep = String(repeating: #"{"a": ["#, count: 15) + "1" + String(repeating: "]}", count: 15)  // MariaDB allows depth 32
        try db.execute("INSERT INTO t (id, js) VALUES (?, ?)", [.int(61), .string(deep)])
        try db.execute("INSERT INTO t (id, lb, bl) VALUES (?, ?, ?)", [.int(62), .bytes((0..<16_777_216).map { UInt8(truncatingIfNeeded: $0 &* 31) }), .bytes([])])
        try db.executeText("SET SESSION sql_mode = ''")
        try db.executeText("INSERT INTO t (id, dt, dtm0, dtm6, ts0, yr) VALUES (63, '0000-00-00', '0000-00-00 00:00:00', '2026-00-00 00:00:00', 0, 0)")
        try db.executeText("INSERT INTO t (id) VALUES (64)")
        try db.execute("INSERT INTO t (id, ti, si, mi, i, bi, tm6, d65) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            .int(65), .int(-128), .int(-32768), .int(-8_388_608), .int(-2_147_483_648), .int(Int64.min),
            .time(MySQLTime(negative: true, hours: 0, minutes: 0, seconds: 0, microseconds: 1)), .decimal("-0.000000000000000000000000000001"),
        ])
        for id in 61...65 {
            let row = try Self.selectRow(db, id: id)
            expected.append((.insert, nil, row))
            live[id] = row
        }
        // Random updates of random columns, then deletes.
        for _ in 0..<80 {
            let id = Int.random(in: 1...65, using: &random)
            guard let before = live[id] else { continue }
            let chosen = names.shuffled(using: &random).prefix(Int.random(in: 1...6, using: &random))
            var values = chosen.map { Self.randomValue($0, &random) }
            if chosen.contains("lb") && id == 62 { values = values.map { $0 } }
            let assignments = chosen.map { "`\($0)` = ?" }.joined(separator: ", ")
            let result = try db.execute("UPDATE t SET \(assignments) WHERE id = ?", values + [.int(Int64(id))])
            let after = try Self.selectRow(db, id: id)
            if result.affectedRows > 0 { expected.append((.update, before, after)) }
            live[id] = after
        }
        for id in [3, 7, 62, 63, 64] {
            guard let before = live.removeValue(forKey: id) else { continue }
            try db.execute("DELETE FROM t WHERE id = ?", [.int(Int64(id))])
            expected.append((.delete, before, nil))
        }

        let events = try CDCTestServices.rowsEvents(database: database, from: start)
        let decoded = events.flatMap { event in event.rows.map { (event.kind, $0) } }
        #expect(decoded.count == expected.count)
        let allNames = ["id"] + names
        var mismatches = 0
        for (index, (want, got)) in zip(expected, decoded).enumerated() {
            #expect(want.kind == got.0, "change \(index)")
            for (label, wantImage, gotImage) in [("before", want.before, got.1.before), ("after", want.after, got.1.after)] {
                guard let wantImage else { #expect(gotImage == nil); continue }
                guard let gotImage, gotImage.count == wantImage.count else { Issue.record("change \(index) \(label): image missing or wrong width"); continue }
                for column in wantImage.indices where wantImage[column] != gotImage[column] && mismatches < 30 {
                    mismatches += 1
                    Issue.record("change \(index) \(label) column \(allNames[column]): SELECT \(wantImage[column].debugText) ≠ binlog \(gotImage[column].debugText)")
                }
            }
        }
        // Names, PK and signedness come from the TABLE_MAP's FULL metadata.
        let table = try #require(events.first?.table)
        #expect(table.columns.map(\.name) == allNames.map(Optional.some))
        #expect(table.primaryKey == [0])
        #expect(table.columns[2].isUnsigned && !table.columns[1].isUnsigned)
    }
}

extension MySQLValue {
    /// The value shortened for messages (a 16 MB blob would drown the log).
    var debugText: String {
        let text = "\(self)"
        return text.count > 120 ? String(text.prefix(120)) + "…(\(text.count) chars)" : text
    }
}
