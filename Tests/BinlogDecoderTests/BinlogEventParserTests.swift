import MySQL
import Testing

@Suite("BinlogEventParser on raw events")
struct BinlogEventParserTests {
    typealias F = BinlogFixtures

    /// A raw event: the 19-byte header (timestamp, type, server id, length, next position, flags) + body.
    static func event(type: UInt8, nextPosition: UInt32, flags: UInt16 = 0, body: [UInt8]) -> [UInt8] {
        let length = UInt64(19 + body.count)
        return F.le(1_700_000_000, 4) + [type] + F.le(1, 4) + F.le(length, 4) + F.le(UInt64(nextPosition), 4) + F.le(UInt64(flags), 2) + body
    }

    static func parse(_ parser: inout BinlogEventParser, _ bytes: [UInt8]) throws(BinlogError) -> BinlogEventRecord {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(BinlogError) -> BinlogEventRecord in try parser.parse(buffer) } }
        return try result.get()
    }

    @Test func positionsGTIDsAndCommitBoundaries() throws {
        var parser = BinlogEventParser(start: BinlogPosition(file: "binlog.000001", offset: 4, gtidSet: "1-1-7"), checksum: false)
        // The artificial ROTATE at connect names the file; its zero next-position is ignored.
        let rotate = try Self.parse(&parser, Self.event(type: 4, nextPosition: 0, flags: 0x20, body: F.le(400, 8) + Array("binlog.000002".utf8)))
        #expect(rotate.position.file == "binlog.000002" && rotate.position.offset == 400)
        let gtid = try Self.parse(&parser, Self.event(type: 162, nextPosition: 450, body: F.le(81, 8) + F.le(0, 4) + [0]))
        #expect(gtid.transactionGTID == "0-1-81" && !gtid.isCommit)
        let map = try Self.parse(&parser, Self.event(type: 19, nextPosition: 520, body: F.tableMap(columns: [.init(type: 3, name: "id")])))
        guard case .tableMap(let table) = map.event else { Issue.record("expected a TABLE_MAP"); return }
        #expect(table.qualifiedName == "shop.t")
        let rows = try Self.parse(&parser, Self.event(type: 23, nextPosition: 560, body: F.rowsV1(columnCount: 1, images: [[0] + F.le(9, 4)])))
        guard case .rows(let event) = rows.event else { Issue.record("expected rows"); return }
        #expect(event.rows == [RowChange(before: nil, after: [.int(9)])])
        #expect(rows.position.offset == 560 && rows.transactionGTID == "0-1-81" && !rows.isCommit)
        let xid = try Self.parse(&parser, Self.event(type: 16, nextPosition: 591, body: F.le(5, 8)))
        #expect(xid.isCommit)
        #expect(xid.position == BinlogPosition(file: "binlog.000002", offset: 591, gtidSet: "0-1-81,1-1-7"))
        // A standalone GTID (DDL) commits at its QUERY.
        _ = try Self.parse(&parser, Self.event(type: 162, nextPosition: 640, body: F.le(82, 8) + F.le(0, 4) + [1]))
        let query = F.le(1, 4) + F.le(0, 4) + [4] + F.le(0, 2) + F.le(0, 2) + Array("shop".utf8) + [0] + Array("ALTER TABLE t ADD c INT".utf8)
        let ddl = try Self.parse(&parser, Self.event(type: 2, nextPosition: 700, body: query))
        guard case .query(let database, let statement) = ddl.event else { Issue.record("expected a QUERY"); return }
        #expect(database == "shop" && statement == "ALTER TABLE t ADD c INT")
        #expect(ddl.isCommit && parser.gtidSet == "0-1-82,1-1-7")
    }

    @Test func undecodableEventsReportTheirPosition() throws {
        var parser = BinlogEventParser(start: BinlogPosition(file: "binlog.000009", offset: 4), checksum: false)
        _ = try Self.parse(&parser, Self.event(type: 19, nextPosition: 100, body: F.tableMap(columns: [.init(type: 3, name: "id"), .init(type: 20, name: "x")])))
        let rows = Self.event(type: 23, nextPosition: 150, body: F.rowsV1(columnCount: 2, images: [[0] + F.le(1, 4) + [9]]))
        #expect {
            try Self.parse(&parser, rows)
        } throws: { error in
            guard case .decoding(.unsupportedColumnType(20, 1, "shop.t"), 23, let position) = error as? BinlogError else { return false }
            return position.file == "binlog.000009" && position.offset == 150 && "\(error)".contains("binlog.000009:150")
        }
        // The parser goes on with the next event (the skip policy relies on it).
        let orphan = Self.event(type: 23, nextPosition: 200, body: F.rowsV1(tableId: 77, columnCount: 1, images: [[0] + F.le(1, 4)]))
        #expect {
            try Self.parse(&parser, orphan)
        } throws: { error in
            if case .decoding(.unknownTable(77), _, let position) = error as? BinlogError { position.offset == 200 } else { false }
        }
        // Checksummed events: the trailing CRC is not part of the body.
        var checked = BinlogEventParser(start: BinlogPosition(file: "binlog.000009", offset: 4), checksum: true)
        let xid = try Self.parse(&checked, Self.event(type: 16, nextPosition: 50, body: F.le(5, 8) + [0xDE, 0xAD, 0xBE, 0xEF]))
        guard case .xid(5) = xid.event else { Issue.record("expected XID 5"); return }
    }
}
