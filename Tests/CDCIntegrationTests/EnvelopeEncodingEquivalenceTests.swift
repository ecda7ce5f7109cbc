import Foundation
import MySQL
import PortraitIngest
import Testing

/// The direct encoder (row image bytes → envelope bytes, `RowEnvelopeEncoder`) against the
/// path it replaced (bytes → `MySQLValue`s → `ChangeEnvelope.jsonBytes()`): the envelopes and
/// Kafka keys must be byte-identical. On the real server for every column type, and on
/// hand-built row images for bytes the server will not store (invalid UTF-8 in utf8mb4).
@Suite("Envelope encoding: direct encoder = decoded path", .serialized)
struct EnvelopeEncodingEquivalenceTests {
    /// Every escape class JSON has (each control byte, quote, backslash), DEL, the line
    /// separators JSON leaves alone, two- to four-byte UTF-8 and astral characters.
    static let hardText = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        + "\"\\/\u{7F} é ü € \u{2028}\u{2029} 😀 𝄞 \u{10FFFF} end"

    @Test func everyColumnTypeFromTheServerEncodesIdentically() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("encode_same")
        try db.executeText("""
            CREATE TABLE t (id INT, tag VARCHAR(200), u BIGINT UNSIGNED, s SMALLINT, m MEDIUMINT, ti TINYINT, f FLOAT, d DOUBLE,
              p DECIMAL(5,0), n DECIMAL(10,10), w DECIMAL(65,30), bin BINARY(12), vbin VARBINARY(64), blb BLOB, tb TINYBLOB,
              txt TEXT CHARACTER SET utf8mb4, vc VARCHAR(300) CHARACTER SET utf8mb4, lat VARCHAR(300) CHARACTER SET latin1,
              latt TEXT CHARACTER SET latin1, ch CHAR(4) CHARACTER SET latin1, asc_ VARCHAR(20) CHARACTER SET ascii, js JSON,
              dt DATE, tm TIME(3), tm0 TIME, dtm DATETIME(6), dtm0 DATETIME, ts TIMESTAMP(3) NULL, ts0 TIMESTAMP NULL, yr YEAR,
              b1 BIT(1), b12 BIT(12), b64 BIT(64), st SET('a','b','c'), en ENUM('x','y','"q"'), PRIMARY KEY (id, tag))
            """)
        let start = try CDCTestServices.currentPosition()
        // Binary values of every length 0-10 (every length mod 3), latin1 bytes 0x20-0xFF.
        for length in 0...10 {
            let bytes = MySQLValue.bytes((0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + length) })
            try db.execute(
                "INSERT INTO t (id, tag, bin, vbin, blb, tb, b12, b64) VALUES (?, 'bin', ?, ?, ?, ?, ?, ?)",
                [.int(Int64(length)), bytes, bytes, bytes, bytes, .int(Int64(length * 300)), .uint(UInt64.max - UInt64(length))])
        }
        try db.executeText("INSERT INTO t (id, tag, lat, latt, ch) VALUES (100, 'latin1', CONVERT(0x\(Self.hex(Array(0x20...0xFF))) USING latin1), CONVERT(0x\(Self.hex(Array(0x80...0x9F) + [0x22, 0x5C, 0x0A])) USING latin1), CONVERT(0xE9FF81 USING latin1))")
        try db.execute(
            "INSERT INTO t (id, tag, txt, vc, js, asc_) VALUES (101, ?, ?, ?, JSON_OBJECT('k', ?), 'a\\\"b\\\\c')",
            [.string(Self.hardText), .string(Self.hardText), .string(Self.hardText), .string(Self.hardText)])
        try db.executeText("""
            INSERT INTO t (id, tag, u, s, m, ti, f, d, p, n, w, dt, tm, tm0, dtm, dtm0, ts, ts0, yr, b1, st, en) VALUES
              (200, 'num', 18446744073709551615, -32768, -8388608, -128, -3.4e38, 1e308, -99999, -0.9999999999,
               '-99999999999999999999999999999999999.999999999999999999999999999999', '1000-01-01', '-838:59:58.999', '00:00:00',
               '9999-12-31 23:59:59.999999', '0000-00-00 00:00:00', '1970-01-01 00:00:01.001', NULL, 2155, 1, '', 'x'),
              (201, 'num', 0, 32767, 8388607, 127, 0.1, -0.0, 0, 0.0000000001, 0, '2024-02-29', '-00:00:00.5', '838:59:59',
               '2024-02-29 12:00:00.000000', '2024-02-29 12:00:00', '2038-01-19 03:14:07.999', '2000-01-01 00:00:00', 1901, 0, 'a,b,c', '"q"'),
              (202, 'num', 1, 0, 0, 0, 1.5, 2.5e-300, 12345, 0.5, '12345678901234567890123456789012345.123456789012345678901234567890',
               '2000-01-01', '12:34:56.789', '-12:00:00', '2000-01-01 00:00:00.000001', '2000-01-01 00:00:00', NULL, NULL, 0, NULL, 'b', NULL)
            """)
        try db.executeText("INSERT INTO t (id, tag) VALUES (300, 'nulls')")
        try db.executeText("UPDATE t SET vc = CONCAT(IFNULL(vc, ''), '\\n✓'), lat = 'é', tm = '-01:02:03.004', tag = 'upd' WHERE id IN (0, 5, 101, 200)")
        try db.executeText("DELETE FROM t WHERE id IN (1, 100, 202, 300)")

        let decoded = try Self.rowsEvents(database: database, from: start, rowValues: .decoded)
        let kept = try Self.rowsEvents(database: database, from: start, rowValues: .bytes)
        #expect(decoded.count == kept.count)
        // 11 binary rows, latin1, text, 3 numeric rows, NULLs; 4 updated, 4 deleted.
        let rowCount: Int = decoded.reduce(0) { $0 + $1.rows.count }
        #expect(rowCount == 25)
        var compared = 0
        for (values, bytes) in zip(decoded, kept) {
            // Keyed by the primary key (a JSON array of two), by one int, one text, one binary, one BIT column, a double and a time.
            for keyColumns in [[0, 1], [0], [1], [12], [30], [7, 23]] {
                compared += try Self.compare(values, bytes, keyColumns: keyColumns)
            }
        }
        #expect(compared == 25 * 6)
    }

    /// Random values, the invalid UTF-8 included, through hand-built TABLE_MAP and rows events.
    @Test func randomBytesIncludingInvalidUTF8EncodeIdentically() throws {
        // id INT, utf8mb4 VARCHAR(1000), latin1 VARCHAR(255), BLOB, VARBINARY(300), BINARY(7), utf8mb4 TEXT.
        let columns: [(type: UInt8, metadata: [UInt8], collation: Int?)] = [
            (3, [], nil), (15, [0xA0, 0x0F], 45), (15, [0xFF, 0x00], 8), (252, [2], 63), (15, [0x2C, 0x01], 63), (254, [0xFE, 7], 63), (252, [2], 45),
        ]
        let map = try Self.tableMap(columns: columns).withUnsafeBytes { try TableMap.parse(body: $0) }
        var random = SeededGenerator(seed: 18)
        for round in 0..<300 {
            var images: [UInt8] = []
            let rowCount = 1 + Int(random.next() % 4)
            for row in 0..<rowCount {
                let nulls = UInt8(truncatingIfNeeded: random.next()) & 0b0111_1110
                images += [nulls]
                images += Self.le(UInt64(round * 10 + row), 4)
                for column in 1..<columns.count where nulls & (1 << UInt8(column)) == 0 {
                    let maxLength = [0, 60, 40, 70, 70, 7, 60][column]
                    let bytes = Self.randomText(&random, length: Int(random.next() % UInt64(maxLength + 1)), column: column)
                    let lengthBytes = column == 1 || column == 3 || column == 4 || column == 6 ? 2 : 1
                    images += Self.le(UInt64(bytes.count), lengthBytes) + bytes
                }
            }
            let body = Self.le(42, 6) + [1, 0] + [UInt8(columns.count)] + [0x7F] + images
            let decoded = try body.withUnsafeBytes { try RowImageDecoder.decode(eventType: 23, body: $0, postHeaderLength: 8, table: map) }
            let kept = try body.withUnsafeBytes { try RowImageDecoder.locate(eventType: 23, body: $0, postHeaderLength: 8, table: map) }
            #expect(try Self.compare(decoded, kept, keyColumns: [1]) == rowCount)
        }
    }

    /// Invalid UTF-8 in a utf8mb4 column: as before the direct encoder, each maximal invalid
    /// sequence becomes U+FFFD (Swift's `String(decoding:as: UTF8.self)` repair) in the envelope.
    @Test func invalidUTF8InAUTF8ColumnIsRepairedAsBefore() throws {
        let map = try Self.tableMap(columns: [(3, [], nil), (15, [0xA0, 0x0F], 45)]).withUnsafeBytes { try TableMap.parse(body: $0) }
        let text: [UInt8] = [0x61, 0xC3, 0x28, 0x62, 0xED, 0xA0, 0x80, 0x63, 0xF4, 0x90, 0x80, 0x80, 0xE2, 0x82]
        let body = Self.le(42, 6) + [1, 0] + [2] + [0x03] + [0] + Self.le(7, 4) + Self.le(UInt64(text.count), 2) + text
        let kept = try body.withUnsafeBytes { try RowImageDecoder.locate(eventType: 23, body: $0, postHeaderLength: 8, table: map) }
        var encoder = RowEnvelopeEncoder()
        encoder.begin(
            operation: .create, database: "shop", table: "t", timestampMs: 0, position: .init(file: "f", offset: 4, gtid: nil), schemaVersion: 1,
            keys: RowEnvelopeEncoder.keys(["id", "c1"]), columnCount: 2)
        let images = try #require(kept.images)
        let json = try encoder.encode(before: nil, after: images.after(0), primaryKey: [0], nameCount: 2, keyColumns: [0]).json
        #expect(String(decoding: json, as: UTF8.self).contains(#""c1":"a\#u{FFFD}(b\#u{FFFD}\#u{FFFD}\#u{FFFD}c\#u{FFFD}\#u{FFFD}\#u{FFFD}\#u{FFFD}\#u{FFFD}""#))
    }

    // MARK: - Comparing the two paths

    /// Encodes every row of one event both ways and checks the JSON and the key; returns the rows compared.
    static func compare(_ decoded: RowsEvent, _ kept: RowsEvent, keyColumns: [Int]) throws -> Int {
        let images = try #require(kept.images)
        #expect(decoded.rows.count == images.count)
        let names = decoded.table.columns.enumerated().map { $0.element.name ?? "c\($0.offset)" }
        let keys = RowEnvelopeEncoder.keys(names)
        let position = ChangeEnvelope.Position(file: "binlog.000001", offset: 1234, gtid: "0-1-5")
        let operation: ChangeEnvelope.Operation = switch decoded.kind {
        case .insert: .create
        case .update: .update
        case .delete: .delete
        }
        var encoder = RowEnvelopeEncoder()
        encoder.begin(
            operation: operation, database: decoded.table.database, table: decoded.table.table, timestampMs: 1_700_000_000_000, position: position,
            schemaVersion: 3, keys: keys, columnCount: images.columnCount)
        for (row, change) in decoded.rows.enumerated() {
            // Row indexes of one and two digits (0, 9, 18, …): `pos.row` is written per row.
            let rowIndex = UInt64(row) * 9
            let expected = ChangeEnvelope(
                operation: operation, database: decoded.table.database, table: decoded.table.table, columnNames: names, primaryKey: decoded.table.primaryKey,
                before: change.before, after: change.after, timestampMs: 1_700_000_000_000, position: position.row(Int(rowIndex)), schemaVersion: 3)
            let before = images.before(row), after = images.after(row)
            let encoded = try encoder.encode(
                before: before, after: after, row: rowIndex, primaryKey: decoded.table.primaryKey, nameCount: names.count, keyColumns: keyColumns)
            #expect(String(decoding: encoded.json, as: UTF8.self) == String(decoding: expected.jsonBytes(), as: UTF8.self))
            #expect(encoded.json == expected.jsonBytes())
            #expect(encoded.key == expected.keyBytes(columns: keyColumns))
            // The bytes decode to the values the decoding reader gave.
            #expect(try before?.values() == change.before)
            #expect(try after?.values() == change.after)
        }
        return decoded.rows.count
    }

    static func rowsEvents(database: String, from start: BinlogPosition, rowValues: BinlogRowValues) throws -> [RowsEvent] {
        let reader = try BinlogReader(configuration: BinlogReaderConfiguration(
            connection: try CDCTestServices.configuration, serverId: CDCTestServices.nextServerId(),
            start: .position(file: start.file, offset: start.offset), stopAtEnd: true, rowValues: rowValues))
        var events: [RowsEvent] = []
        while let record = try reader.next() {
            if case .rows(let event) = record.event, event.table.database == database { events.append(event) }
        }
        return events
    }

    // MARK: - Hand-built events

    static func hex(_ bytes: [Int]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
    static func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// A TABLE_MAP body for table `shop.t` (id 42) with charsets and names (`c0`, `c1`, …), key column 0.
    static func tableMap(columns: [(type: UInt8, metadata: [UInt8], collation: Int?)]) -> [UInt8] {
        var body = le(42, 6) + [1, 0] + [4] + Array("shop".utf8) + [0] + [1] + Array("t".utf8) + [0]
        body += [UInt8(columns.count)] + columns.map(\.type)
        let metadata = columns.flatMap(\.metadata)
        body += [UInt8(metadata.count)] + metadata + [UInt8((1 << columns.count) - 1)]
        func field(_ type: UInt8, _ value: [UInt8]) { body += [type, UInt8(value.count)] + value }
        field(1, [0])  // signedness: the one numeric column is signed
        field(3, columns.compactMap { $0.collation.map(UInt8.init) })  // one charset per character column
        field(4, columns.indices.flatMap { [UInt8(2), UInt8(ascii: "c"), UInt8(ascii: "0") + UInt8($0)] })
        field(8, [0])
        return body
    }

    /// Random bytes for a column: any byte for the binary and latin1 ones; for the UTF-8 ones
    /// mostly valid text from every class, sometimes a stray invalid byte or a cut sequence.
    static func randomText(_ random: inout SeededGenerator, length: Int, column: Int) -> [UInt8] {
        guard column == 1 || column == 6 else { return (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("\"\\/".utf8), [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x7F], Array("é€😀𝄞\u{2028}".utf8),
            [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80],
        ]
        var bytes: [UInt8] = []
        while bytes.count < length {
            // Three valid pieces in five; the invalid ones each as often as a valid one.
            let index = Int(random.next() % 20)
            bytes += pieces[index < 12 ? index % 4 : index - 8]
        }
        return Array(bytes.prefix(length))
    }
}
