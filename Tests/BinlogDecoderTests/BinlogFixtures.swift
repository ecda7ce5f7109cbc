import MySQL

/// Builds TABLE_MAP and rows event bodies byte by byte, following the binlog format as
/// MySQL's and MariaDB's documentation describes it, so the decoder is tested without a server.
enum BinlogFixtures {
    /// A column for `tableMap`: its type byte, its metadata bytes, and optional extras.
    struct Column {
        var type: UInt8
        var metadata: [UInt8] = []
        var name: String
        var unsigned = false
        var enumValues: [String]? = nil
        var setValues: [String]? = nil
        var collation: Int? = nil
    }

    static func packed(_ value: Int) -> [UInt8] {
        if value < 251 { return [UInt8(value)] }
        if value < 1 << 16 { return [0xFC, UInt8(value & 0xFF), UInt8(value >> 8)] }
        return [0xFD, UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16)]
    }

    static func packedString(_ text: String) -> [UInt8] { packed(text.utf8.count) + Array(text.utf8) }

    static func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
    static func be(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    /// A TABLE_MAP body with FULL optional metadata (signedness, charsets, names, ENUM/SET values, PK).
    static func tableMap(id: UInt64 = 42, database: String = "shop", table: String = "t", columns: [Column], primaryKey: [Int] = [0]) -> [UInt8] {
        var body = le(id, 6) + [1, 0]
        body += [UInt8(database.utf8.count)] + Array(database.utf8) + [0]
        body += [UInt8(table.utf8.count)] + Array(table.utf8) + [0]
        body += packed(columns.count) + columns.map(\.type)
        let metadata = columns.flatMap(\.metadata)
        body += packed(metadata.count) + metadata
        body += bitmap(columns.map { _ in true })
        func field(_ type: UInt8, _ value: [UInt8]) { body += [type] + packed(value.count) + value }
        // SIGNEDNESS: one bit per numeric column, most significant first.
        let numericTypes: Set<UInt8> = [1, 2, 3, 4, 5, 8, 9, 246]
        let numeric = columns.filter { numericTypes.contains($0.type) }
        if !numeric.isEmpty {
            var bits = [UInt8](repeating: 0, count: (numeric.count + 7) / 8)
            for (index, column) in numeric.enumerated() where column.unsigned { bits[index / 8] |= 0x80 >> UInt8(index % 8) }
            field(1, bits)
        }
        let character = columns.filter { [15, 253, 252].contains($0.type) || ($0.type == 254 && ![247, 248].contains($0.metadata.first ?? 0)) }
        if !character.isEmpty { field(3, character.flatMap { packed($0.collation ?? 45) }) }
        field(4, columns.flatMap { packedString($0.name) })
        let sets = columns.compactMap(\.setValues)
        if !sets.isEmpty { field(5, sets.flatMap { packed($0.count) + $0.flatMap(packedString) }) }
        let enums = columns.compactMap(\.enumValues)
        if !enums.isEmpty { field(6, enums.flatMap { packed($0.count) + $0.flatMap(packedString) }) }
        field(8, primaryKey.flatMap(packed))
        return body
    }

    /// A bitmap, bit i of byte i/8 (least significant first), as rows events write them.
    static func bitmap(_ bits: [Bool]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit { bytes[index / 8] |= 1 << UInt8(index % 8) }
        return bytes
    }

    /// A V1 rows event body: table id, flags, column count, present bitmap(s), then row images
    /// (each: NULL bitmap over the present columns + the values, already encoded).
    static func rowsV1(tableId: UInt64 = 42, columnCount: Int, present: [Bool]? = nil, presentAfter: [Bool]? = nil, images: [[UInt8]]) -> [UInt8] {
        var body = le(tableId, 6) + [1, 0] + packed(columnCount)
        body += bitmap(present ?? Array(repeating: true, count: columnCount))
        if let presentAfter { body += bitmap(presentAfter) }
        for image in images { body += image }
        return body
    }

    static func decode(eventType: UInt8, tableMap: [UInt8], rows: [UInt8]) throws -> RowsEvent {
        let map = try tableMap.withUnsafeBytes { try TableMap.parse(body: $0) }
        return try rows.withUnsafeBytes { try RowImageDecoder.decode(eventType: eventType, body: $0, postHeaderLength: 8, table: map) }
    }
}
