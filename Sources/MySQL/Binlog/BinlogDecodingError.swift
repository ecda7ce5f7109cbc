/// Bytes of a binlog event that cannot be decoded. Offsets are relative to the event body.
public enum BinlogDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event ended before a value did.
    case truncated(offset: Int, needed: Int, available: Int)
    /// A value is not what its format allows.
    case malformed(offset: Int, detail: String)
    /// A column type this decoder does not know (e.g. a newer server's type).
    case unsupportedColumnType(type: UInt8, column: Int, table: String)
    /// A rows event refers to a table id no TABLE_MAP announced.
    case unknownTable(id: UInt64)
    /// A compressed rows event (MariaDB `log_bin_compress`), which is not supported.
    case compressedRows(eventType: UInt8)
    /// A MySQL binary JSON document that does not follow the documented format.
    case invalidJSON(detail: String)

    public var description: String {
        switch self {
        case .truncated(let offset, let needed, let available):
            "event truncated at byte \(offset): needed \(needed) byte(s), \(available) left"
        case .malformed(let offset, let detail): "malformed event at byte \(offset): \(detail)"
        case .unsupportedColumnType(let type, let column, let table):
            "column \(column) of \(table) has binlog type \(type), which this decoder does not support"
        case .unknownTable(let id): "rows event for table id \(id) without a preceding TABLE_MAP"
        case .compressedRows(let type): "compressed rows event (type \(type)): turn off log_bin_compress on the source"
        case .invalidJSON(let detail): "invalid MySQL binary JSON: \(detail)"
        }
    }
}
