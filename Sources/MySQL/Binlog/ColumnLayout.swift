/// How one column's value is laid out in a row image: the TABLE_MAP's type, metadata,
/// signedness and charset resolved once, so the per-row loop only switches on this.
enum ColumnLayout: Sendable {
    case integer(width: Int, unsigned: Bool)
    case float, double
    case year, date, time, datetime, timestamp
    case time2(fsp: Int), datetime2(fsp: Int), timestamp2(fsp: Int)
    case decimal(precision: Int, scale: Int)
    case bit(byteCount: Int)
    /// CHAR, VARCHAR: a 1- or 2-byte length, then the bytes. BINARY(n) is padded back to n.
    case string(lengthBytes: Int, encoding: BinlogCollations.Encoding, padBinaryTo: Int)
    /// BLOB/TEXT (and MariaDB's JSON, GEOMETRY): a 1-4 byte length, then the bytes.
    case blob(lengthBytes: Int, encoding: BinlogCollations.Encoding)
    /// MySQL's binary JSON in a blob.
    case json(lengthBytes: Int)
    case enumeration(width: Int, values: [String])
    case set(width: Int, values: [String])
    case unsupported(type: UInt8)

    init(_ column: BinlogColumn, collations: BinlogCollations) {
        let meta = column.metadataBytes
        switch column.type {
        case .tiny: self = .integer(width: 1, unsigned: column.isUnsigned)
        case .short: self = .integer(width: 2, unsigned: column.isUnsigned)
        case .int24: self = .integer(width: 3, unsigned: column.isUnsigned)
        case .long: self = .integer(width: 4, unsigned: column.isUnsigned)
        case .longlong: self = .integer(width: 8, unsigned: column.isUnsigned)
        case .float: self = .float
        case .double: self = .double
        case .year: self = .year
        case .date, .newdate: self = .date
        case .time: self = .time
        case .datetime: self = .datetime
        case .timestamp: self = .timestamp
        case .time2: self = .time2(fsp: Int(meta.0))
        case .datetime2: self = .datetime2(fsp: Int(meta.0))
        case .timestamp2: self = .timestamp2(fsp: Int(meta.0))
        case .newdecimal: self = .decimal(precision: Int(meta.0), scale: Int(meta.1))
        case .bit: self = .bit(byteCount: Int(meta.1) + (meta.0 > 0 ? 1 : 0))
        case .varchar, .varString:
            let maxLength = Int(meta.0) | Int(meta.1) << 8
            self = .string(lengthBytes: maxLength > 255 ? 2 : 1, encoding: collations.encoding(collation: column.collation), padBinaryTo: 0)
        case .string:
            // The length's two high bits are stored inverted in bits 4-5 of the type byte.
            let maxLength = Int((meta.0 & 0x30) ^ 0x30) << 4 | Int(meta.1)
            let encoding = collations.encoding(collation: column.collation)
            self = .string(lengthBytes: maxLength > 255 ? 2 : 1, encoding: encoding, padBinaryTo: encoding == .binary ? maxLength : 0)
        case .blob, .tinyBlob, .mediumBlob, .longBlob:
            self = .blob(lengthBytes: Int(meta.0), encoding: column.collation == nil ? .binary : collations.encoding(collation: column.collation))
        case .geometry: self = .blob(lengthBytes: Int(meta.0), encoding: .binary)
        case .json: self = .json(lengthBytes: Int(meta.0))
        case .enumeration: self = .enumeration(width: Int(meta.1), values: column.enumValues)
        case .set: self = .set(width: Int(meta.1), values: column.enumValues)
        default: self = .unsupported(type: column.type.rawValue)
        }
    }
}
