/// The rows of one WRITE/UPDATE/DELETE rows event, decoded against its TABLE_MAP.
public struct RowsEvent: Sendable {
    /// What happened to the rows.
    public enum Kind: Sendable, Equatable { case insert, update, delete }

    public let kind: Kind
    public let table: TableMap
    /// The rows event's flags (`STMT_END_F` = 1 marks the statement's last event).
    public let flags: UInt16
    /// Which columns the before image carries (all of them with `binlog_row_image=FULL`).
    public let beforeColumns: ColumnSet
    /// Which columns the after image carries.
    public let afterColumns: ColumnSet
    /// One change per row, in statement order; empty when the reader keeps row bytes
    /// (`BinlogReaderConfiguration.rowValues = .bytes`), which `images` then holds.
    public let rows: [RowChange]
    /// The row images as bytes, when the reader keeps them (`nil` otherwise).
    public internal(set) var images: RowImages? = nil

    /// The number of row changes, decoded or kept as bytes.
    public var rowCount: Int { images?.count ?? rows.count }
}
