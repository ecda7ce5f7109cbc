import MySQL
import Testing

@Suite("RowImageDecoder on hand-built row images")
struct RowImageDecoderTests {
    typealias F = BinlogFixtures

    @Test func integersAreSignExtendedOrUnsignedPerTheSignednessMetadata() throws {
        let columns: [F.Column] = [
            .init(type: 3, name: "id"), .init(type: 1, name: "ti"), .init(type: 1, name: "uti", unsigned: true),
            .init(type: 2, name: "si"), .init(type: 9, name: "mi"), .init(type: 9, name: "umi", unsigned: true),
            .init(type: 8, name: "bi"), .init(type: 8, name: "ubi", unsigned: true), .init(type: 13, name: "yr"),
        ]
        let image = F.bitmap(Array(repeating: false, count: 9))
            + F.le(7, 4) + [0x80] + [0xFF] + F.le(0x8000, 2) + F.le(0xFF_FFFF, 3) + F.le(0xFF_FFFF, 3)
            + F.le(UInt64(bitPattern: Int64.min), 8) + F.le(UInt64.max, 8) + [126]
        let event = try F.decode(eventType: 23, tableMap: F.tableMap(columns: columns), rows: F.rowsV1(columnCount: 9, images: [image]))
        #expect(event.kind == .insert)
        #expect(event.rows == [RowChange(before: nil, after: [
            .int(7), .int(-128), .uint(255), .int(-32768), .int(-1), .uint(16_777_215), .int(Int64.min), .uint(UInt64.max), .int(2026),
        ])])
        #expect(event.table.columns.map(\.name) == ["id", "ti", "uti", "si", "mi", "umi", "bi", "ubi", "yr"])
        #expect(event.table.primaryKey == [0])
    }

    @Test func decimalsAreExactUpToSixtyFiveDigits() throws {
        // MySQL's decimal.c documents 1234567890.1234 as DECIMAL(14,4) = 81 0D FB 38 D2 04 D2
        // and its negative as the one's complement of every byte.
        let columns: [F.Column] = [.init(type: 246, metadata: [14, 4], name: "a"), .init(type: 246, metadata: [14, 4], name: "b"), .init(type: 246, metadata: [65, 30], name: "c"), .init(type: 246, metadata: [4, 4], name: "d")]
        let positive: [UInt8] = [0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2]
        // DECIMAL(65,30): 35 integer digits (8 + 3×9 → 4 + 3×4 bytes), 30 fraction digits (3×9 + 3 → 3×4 + 2 bytes).
        let nines = [UInt8](F.be(99_999_999, 4)) + (0..<3).flatMap { _ in F.be(999_999_999, 4) }
        var big = nines + (0..<3).flatMap { _ in F.be(999_999_999, 4) } + F.be(999, 2)
        big[0] |= 0x80
        let small: [UInt8] = F.be(1234, 2).enumerated().map { $0.offset == 0 ? $0.element | 0x80 : $0.element }
        let image = F.bitmap([false, false, false, false]) + positive + positive.map { ~$0 } + big + small
        let event = try F.decode(eventType: 23, tableMap: F.tableMap(columns: columns), rows: F.rowsV1(columnCount: 4, images: [image]))
        #expect(event.rows[0].after == [
            .decimal("1234567890.1234"), .decimal("-1234567890.1234"),
            .decimal(String(repeating: "9", count: 35) + "." + String(repeating: "9", count: 30)), .decimal("0.1234"),
        ])
    }

    @Test func temporalTypesIncludingNegativeTimesAndFractions() throws {
        let columns: [F.Column] = [
            .init(type: 19, metadata: [0], name: "t0"), .init(type: 19, metadata: [2], name: "t2"), .init(type: 19, metadata: [6], name: "t6"),
            .init(type: 18, metadata: [3], name: "dt3"), .init(type: 17, metadata: [0], name: "ts0"), .init(type: 17, metadata: [6], name: "ts6"),
            .init(type: 10, name: "d"), .init(type: 10, name: "zero"),
        ]
        let hms: UInt64 = 8 << 12 | 30 << 6 | 15
        let ymd = (UInt64(2026 * 13 + 11) << 5) | 23
        var image = F.bitmap(Array(repeating: false, count: 8))
        image += F.be(0x80_0000 - 1, 3)  // TIME(0) -00:00:01
        image += F.be(0x80_0000 - 4097, 3) + [206]  // TIME(2) -01:00:00.50: integer part borrowed, fraction 256-50
        image += F.be(0x8000_0000_0000 - 1, 6)  // TIME(6) -00:00:00.000001
        image += F.be(0x80_0000_0000 + (ymd << 17 | hms), 5) + F.be(1230, 2)  // DATETIME(3) 2026-11-23 08:30:15.123
        image += F.be(1_700_000_000, 4)  // TIMESTAMP 2023-11-14 22:13:20 UTC
        image += F.be(1_700_000_000, 4) + F.be(999_999, 3)
        image += F.le(UInt64(2026 << 9 | 2 << 5 | 28), 3)  // DATE 2026-02-28
        image += [0, 0, 0]
        let event = try F.decode(eventType: 23, tableMap: F.tableMap(columns: columns), rows: F.rowsV1(columnCount: 8, images: [image]))
        let ts = MySQLDateTime(date: MySQLDate(year: 2023, month: 11, day: 14), hour: 22, minute: 13, second: 20)
        var ts6 = ts
        ts6.microsecond = 999_999
        #expect(event.rows[0].after == [
            .time(MySQLTime(negative: true, hours: 0, minutes: 0, seconds: 1)),
            .time(MySQLTime(negative: true, hours: 1, minutes: 0, seconds: 0, microseconds: 500_000)),
            .time(MySQLTime(negative: true, hours: 0, minutes: 0, seconds: 0, microseconds: 1)),
            .datetime(MySQLDateTime(date: MySQLDate(year: 2026, month: 11, day: 23), hour: 8, minute: 30, second: 15, microsecond: 123_000)),
            .datetime(ts), .datetime(ts6), .date(MySQLDate(year: 2026, month: 2, day: 28)), .date(MySQLDate(year: 0, month: 0, day: 0)),
        ])
    }

    @Test func stringsCharsetsBinaryEnumSetBitAndBlobs() throws {
        let columns: [F.Column] = [
            .init(type: 15, metadata: F.le(1200, 2), name: "vc"),  // VARCHAR(300) utf8mb4: 2-byte length
            .init(type: 254, metadata: [254, 10], name: "c", collation: 8),  // CHAR(10) latin1
            .init(type: 254, metadata: [254, 4], name: "bn", collation: 63),  // BINARY(4)
            .init(type: 254, metadata: [247, 1], name: "e", enumValues: ["a", "ü🙂"]),
            .init(type: 254, metadata: [248, 1], name: "s", setValues: ["x", "y", "z"]),
            .init(type: 16, metadata: [2, 1], name: "b10"),
            .init(type: 252, metadata: [2], name: "bl", collation: 63),
            .init(type: 252, metadata: [4], name: "js", collation: 45),  // MariaDB JSON: LONGTEXT
        ]
        let emoji = Array("emoji 🙂👍🏽 中文".utf8)
        var image = F.bitmap(Array(repeating: false, count: 8))
        image += F.le(UInt64(emoji.count), 2) + emoji
        image += [4, 0x63, 0x61, 0x66, 0xE9]  // "café" in latin1
        image += [2, 0xAB, 0xCD]  // trailing zero bytes are not logged
        image += [2]
        image += [0b101]
        image += [0x03, 0xFF]
        image += F.le(3, 2) + [0, 1, 255]
        let json = Array(#"{"k": [1, "ü"]}"#.utf8)
        image += F.le(UInt64(json.count), 4) + json
        let event = try F.decode(eventType: 23, tableMap: F.tableMap(columns: columns), rows: F.rowsV1(columnCount: 8, images: [image]))
        #expect(event.rows[0].after == [
            .string("emoji 🙂👍🏽 中文"), .string("café"), .bytes([0xAB, 0xCD, 0, 0]), .string("ü🙂"), .string("x,z"),
            .bytes([0x03, 0xFF]), .bytes([0, 1, 255]), .string(#"{"k": [1, "ü"]}"#),
        ])
    }

    @Test func nullBitmapAndPartialUpdateImages() throws {
        let columns: [F.Column] = [.init(type: 3, name: "id"), .init(type: 3, name: "a"), .init(type: 15, metadata: [40, 0], name: "b")]
        // UPDATE with a MINIMAL-style before image (only id) and an after image of id and b, b NULL.
        let before = F.bitmap([false]) + F.le(5, 4)
        let after = F.bitmap([false, true]) + F.le(5, 4)
        let rows = F.rowsV1(columnCount: 3, present: [true, false, false], presentAfter: [true, false, true], images: [before + after])
        let event = try F.decode(eventType: 24, tableMap: F.tableMap(columns: columns), rows: rows)
        #expect(event.kind == .update)
        #expect(event.rows == [RowChange(before: [.int(5), .null, .null], after: [.int(5), .null, .null])])
        #expect(event.beforeColumns.contains(0) && !event.beforeColumns.contains(1) && !event.beforeColumns.contains(2))
        #expect(event.afterColumns.contains(2) && !event.afterColumns.contains(1))
        // Full images, several rows, V2 event type with its extra-data length.
        let full = F.bitmap([false, false, true]) + F.le(1, 4) + F.le(10, 4)
        var v2 = F.le(42, 6) + [1, 0] + F.le(2, 2) + F.packed(3) + F.bitmap([true, true, true])
        v2 += full + full
        let map = try F.tableMap(columns: columns).withUnsafeBytes { try TableMap.parse(body: $0) }
        let deleted = try v2.withUnsafeBytes { try RowImageDecoder.decode(eventType: 32, body: $0, postHeaderLength: 10, table: map) }
        #expect(deleted.kind == .delete)
        #expect(deleted.rows.count == 2)
        #expect(deleted.rows[1].before == [.int(1), .int(10), .null])
    }

    @Test func unknownTypeAndTruncationAreTypedErrors() throws {
        let unknown = F.tableMap(columns: [.init(type: 3, name: "id"), .init(type: 20, name: "typed_array")])
        let rows = F.rowsV1(columnCount: 2, images: [F.bitmap([false, false]) + F.le(1, 4) + [1, 2, 3]])
        #expect(throws: BinlogDecodingError.unsupportedColumnType(type: 20, column: 1, table: "shop.t")) {
            try F.decode(eventType: 23, tableMap: unknown, rows: rows)
        }
        let ints = F.tableMap(columns: [.init(type: 3, name: "id"), .init(type: 8, name: "big")])
        let truncated = F.rowsV1(columnCount: 2, images: [F.bitmap([false, false]) + F.le(1, 4) + [1, 2]])
        #expect {
            try F.decode(eventType: 23, tableMap: ints, rows: truncated)
        } throws: { error in
            if case .truncated = error as? BinlogDecodingError { true } else { false }
        }
        // A corrupt TABLE_MAP (cut short) is an error too, never a crash.
        let cut = Array(ints.prefix(20))
        #expect(throws: BinlogDecodingError.self) { try cut.withUnsafeBytes { try TableMap.parse(body: $0) } }
    }

    @Test func sourceCheckRejectsStatementBinlogsWithAClearMessage() throws {
        let good = ["log_bin": "ON", "binlog_format": "ROW", "binlog_row_image": "FULL", "binlog_row_metadata": "FULL"]
        try BinlogSourceRequirements.check(good)
        #expect(BinlogSourceRequirements.logsColumnNames(good))
        // Without full row metadata the ingest names columns from information_schema instead.
        var minimal = good
        minimal["binlog_row_metadata"] = "MINIMAL"
        try BinlogSourceRequirements.check(minimal)
        #expect(!BinlogSourceRequirements.logsColumnNames(minimal))
        minimal["binlog_row_metadata"] = nil
        try BinlogSourceRequirements.check(minimal)
        for (name, value, phrase) in [
            ("binlog_format", "STATEMENT", "binlog_format is STATEMENT, but change capture needs ROW"),
            ("binlog_format", "MIXED", "needs ROW"), ("binlog_row_image", "MINIMAL", "need FULL"),
            ("log_bin", "OFF", "binary logging is off"),
        ] {
            var variables = good
            variables[name] = value
            #expect {
                try BinlogSourceRequirements.check(variables)
            } throws: { error in
                "\(error)".contains(phrase)
            }
        }
    }
}
