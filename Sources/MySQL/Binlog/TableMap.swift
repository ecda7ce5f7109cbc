/// A TABLE_MAP event: the table a following rows event refers to by id, with every column's
/// type, metadata, signedness and (with `binlog_row_metadata=FULL`) name, charset, ENUM/SET
/// values and primary key. Parsed from the event's raw bytes, because Connector/C's parse
/// of the optional metadata is incomplete.
public struct TableMap: Sendable {
    public let tableId: UInt64
    public let database: String
    public let table: String
    public let columns: [BinlogColumn]
    /// Column indexes of the primary key, in key order; empty when the source did not log it.
    public let primaryKey: [Int]
    /// `true` when the TABLE_MAP carried column names (FULL row metadata).
    public var hasColumnNames: Bool { columns.first?.name != nil }
    /// The decoding plan, one entry per column, computed once per TABLE_MAP.
    let layouts: [ColumnLayout]
    /// The charset table the layouts were built with, kept to rebuild them in `described(by:)`.
    let collations: BinlogCollations

    /// `db.table`, for messages.
    public var qualifiedName: String { "\(database).\(table)" }

    public init(tableId: UInt64, database: String, table: String, columns: [BinlogColumn], primaryKey: [Int], collations: BinlogCollations = .builtIn) {
        self.tableId = tableId
        self.database = database
        self.table = table
        self.columns = columns
        self.primaryKey = primaryKey
        self.collations = collations
        layouts = columns.map { ColumnLayout($0, collations: collations) }
    }

    /// Parses a TABLE_MAP event body (after the 19-byte header, without the checksum).
    /// `postHeaderLength` comes from the FORMAT_DESCRIPTION event (8 on every current server).
    public static func parse(body: UnsafeRawBufferPointer, postHeaderLength: Int = 8, collations: BinlogCollations = .builtIn) throws(BinlogDecodingError) -> TableMap {
        var cursor = ByteCursor(body)
        let tableId = postHeaderLength == 6 ? try cursor.le(4) : try cursor.le(6)
        try cursor.skip(max(0, postHeaderLength - (postHeaderLength == 6 ? 4 : 6)))  // flags and any newer fields
        let database = try cursor.string(Int(try cursor.u8()))
        try cursor.skip(1)
        let table = try cursor.string(Int(try cursor.u8()))
        try cursor.skip(1)
        let count = try cursor.packedIndex()
        let types = try cursor.slice(count)
        let metadataLength = try cursor.packedCount()
        var metadataCursor = ByteCursor(try cursor.slice(metadataLength))
        var columns: [BinlogColumn] = []
        columns.reserveCapacity(count)
        for index in 0..<count {
            let binlogType = BinlogColumnType(rawValue: types[index])
            var meta: (UInt8, UInt8) = (0, 0)
            var realType = binlogType
            switch binlogType {
            case .float, .double, .blob, .tinyBlob, .mediumBlob, .longBlob, .geometry, .json, .time2, .datetime2, .timestamp2:
                meta.0 = try metadataCursor.u8()
            case .varchar, .varString, .bit, .newdecimal, .decimal:
                meta = (try metadataCursor.u8(), try metadataCursor.u8())
            case .string, .enumeration, .set:
                meta = (try metadataCursor.u8(), try metadataCursor.u8())
                // CHAR longer than 255 bytes hides two length bits in the real-type byte.
                if meta.0 & 0x30 != 0x30 && binlogType == .string {
                    realType = BinlogColumnType(rawValue: meta.0 | 0x30)
                } else if meta.0 == BinlogColumnType.enumeration.rawValue || meta.0 == BinlogColumnType.set.rawValue {
                    realType = BinlogColumnType(rawValue: meta.0)
                }
            default:
                break
            }
            columns.append(BinlogColumn(
                name: nil, type: realType, binlogType: binlogType, metadataBytes: meta,
                isUnsigned: false, isNullable: true, collation: nil, enumValues: []))
        }
        let nullBits = try cursor.slice((count + 7) / 8)
        for index in 0..<count { columns[index].isNullable = nullBits[index >> 3] & (1 << (index & 7)) != 0 }
        var primaryKey: [Int] = []
        try parseOptionalMetadata(&cursor, columns: &columns, primaryKey: &primaryKey)
        return TableMap(tableId: tableId, database: database, table: table, columns: columns, primaryKey: primaryKey, collations: collations)
    }

    /// The optional metadata fields (type, length, value) that follow the null bitmap.
    private static func parseOptionalMetadata(_ cursor: inout ByteCursor, columns: inout [BinlogColumn], primaryKey: inout [Int]) throws(BinlogDecodingError) {
        let numeric = columns.indices.filter { columns[$0].binlogType.isNumeric }
        let character = columns.indices.filter { columns[$0].type.isCharacter }
        let enumOrSet = columns.indices.filter { columns[$0].type == .enumeration || columns[$0].type == .set }
        while cursor.remaining > 0 {
            let fieldType = try cursor.u8()
            let length = try cursor.packedCount()
            var field = ByteCursor(try cursor.slice(length))
            switch fieldType {
            case 1:  // SIGNEDNESS: one bit per numeric column, most significant bit first, 1 = unsigned
                for (position, column) in numeric.enumerated() where position / 8 < length {
                    columns[column].isUnsigned = field.bytes[position / 8] & (0x80 >> UInt8(position % 8)) != 0
                }
            case 2, 10:  // DEFAULT_CHARSET / ENUM_AND_SET_DEFAULT_CHARSET: default, then (index, collation) exceptions
                let targets = fieldType == 2 ? character : enumOrSet
                let defaultCollation = try field.packedIndex()
                for column in targets { columns[column].collation = defaultCollation }
                while !field.isAtEnd {
                    let position = try field.packedIndex()
                    let collation = try field.packedIndex()
                    if position < targets.count { columns[targets[position]].collation = collation }
                }
            case 3, 11:  // COLUMN_CHARSET / ENUM_AND_SET_COLUMN_CHARSET: one collation per column
                let targets = fieldType == 3 ? character : enumOrSet
                var position = 0
                while !field.isAtEnd {
                    let collation = try field.packedIndex()
                    if position < targets.count { columns[targets[position]].collation = collation }
                    position += 1
                }
            case 4:  // COLUMN_NAME
                var column = 0
                while !field.isAtEnd {
                    let name = try field.packedString()
                    if column < columns.count { columns[column].name = name }
                    column += 1
                }
            case 5, 6:  // SET_STR_VALUE / ENUM_STR_VALUE
                let targets = columns.indices.filter { columns[$0].type == (fieldType == 5 ? .set : .enumeration) }
                var position = 0
                while !field.isAtEnd {
                    let valueCount = try field.packedIndex()
                    var values: [String] = []
                    values.reserveCapacity(valueCount)
                    for _ in 0..<valueCount { values.append(try field.packedString()) }
                    if position < targets.count { columns[targets[position]].enumValues = values }
                    position += 1
                }
            case 8:  // SIMPLE_PRIMARY_KEY
                while !field.isAtEnd { primaryKey.append(try field.packedIndex()) }
            case 9:  // PRIMARY_KEY_WITH_PREFIX: (index, prefix length) pairs
                while !field.isAtEnd {
                    primaryKey.append(try field.packedIndex())
                    _ = try field.packedInt()
                }
            default:
                break  // GEOMETRY_TYPE and fields of newer servers: not needed for decoding
            }
        }
    }
}
