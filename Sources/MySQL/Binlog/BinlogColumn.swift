/// One column of a table as a TABLE_MAP event describes it.
public struct BinlogColumn: Sendable, Equatable {
    /// The column name; `nil` when the source does not log names (`binlog_row_metadata` ≠ FULL).
    public var name: String?
    /// The real type: for CHAR/ENUM/SET (written as STRING) the type from the metadata.
    public var type: BinlogColumnType
    /// The type byte as written in the TABLE_MAP.
    public var binlogType: BinlogColumnType
    /// The per-type metadata, in the order the TABLE_MAP writes its bytes (0, 1 or 2 bytes).
    public var metadata: (UInt8, UInt8) { (metadataBytes.0, metadataBytes.1) }
    var metadataBytes: (UInt8, UInt8)
    /// `true` for UNSIGNED numeric columns (from the SIGNEDNESS metadata).
    public var isUnsigned: Bool
    /// Whether the column accepts NULL.
    public var isNullable: Bool
    /// The collation id of a character, ENUM or SET column, when the source logs it.
    public var collation: Int?
    /// The permitted values of an ENUM or SET column, in definition order.
    public var enumValues: [String]

    public static func == (lhs: BinlogColumn, rhs: BinlogColumn) -> Bool {
        lhs.name == rhs.name && lhs.type == rhs.type && lhs.binlogType == rhs.binlogType
            && lhs.metadataBytes == rhs.metadataBytes && lhs.isUnsigned == rhs.isUnsigned
            && lhs.isNullable == rhs.isNullable && lhs.collation == rhs.collation && lhs.enumValues == rhs.enumValues
    }

    /// `true` when the column holds bytes rather than text (collation 63, `binary`).
    public var isBinary: Bool { collation == 63 }
}
