/// The row images of one rows event kept as the event's bytes, for writers that turn column
/// bytes straight into output (`RowImageJSON`) instead of building `MySQLValue`s. Shared by
/// every `RowImage` of the event, so handing a row on costs one reference, not one per value.
public final class RowImages: Sendable {
    public let table: TableMap
    /// Columns in each row image (the rows event's column count).
    public let columnCount: Int
    let beforeColumns: ColumnSet
    let afterColumns: ColumnSet
    /// The rows event body (after the 19-byte header, without the checksum).
    let body: [UInt8]
    /// Where each row's before and after images start in `body` (-1: the image is absent).
    let starts: [(before: Int, after: Int)]

    init(table: TableMap, columnCount: Int, beforeColumns: ColumnSet, afterColumns: ColumnSet, body: [UInt8], starts: [(before: Int, after: Int)]) {
        self.table = table
        self.columnCount = columnCount
        self.beforeColumns = beforeColumns
        self.afterColumns = afterColumns
        self.body = body
        self.starts = starts
    }

    public var count: Int { starts.count }

    /// Row `row`'s before image (updates and deletes).
    public func before(_ row: Int) -> RowImage? { starts[row].before < 0 ? nil : RowImage(images: self, start: starts[row].before, after: false) }
    /// Row `row`'s after image (inserts and updates).
    public func after(_ row: Int) -> RowImage? { starts[row].after < 0 ? nil : RowImage(images: self, start: starts[row].after, after: true) }
}

/// One row image in its binlog bytes (see `RowImages`).
public struct RowImage: Sendable {
    let images: RowImages
    /// Offset of the image's NULL bitmap in the event body.
    let start: Int
    let after: Bool

    var columns: ColumnSet { after ? images.afterColumns : images.beforeColumns }
    public var columnCount: Int { images.columnCount }

    /// The image decoded to values, as `RowsEvent.rows` holds them (`.null` for absent columns).
    public func values() throws(BinlogDecodingError) -> [MySQLValue] {
        // `withUnsafeBytes` rethrows untyped, so the typed error travels in a Result.
        try images.body.withUnsafeBytes { body in
            Result { () throws(BinlogDecodingError) -> [MySQLValue] in
                var cursor = ByteCursor(body, offset: start)
                return try RowImageDecoder.decodeImage(&cursor, columns: columns, table: images.table)
            }
        }.get()
    }

    /// The value of one column, read at `offset`, the column's place in the event body that
    /// `RowImageJSON.append` recorded (`nil`: NULL or absent).
    public func value(column: Int, offset: Int?) throws(BinlogDecodingError) -> MySQLValue {
        guard let offset else { return .null }
        return try images.body.withUnsafeBytes { body in
            Result { () throws(BinlogDecodingError) -> MySQLValue in
                var cursor = ByteCursor(body, offset: offset)
                return try RowImageDecoder.decodeValue(&cursor, layout: images.table.layouts[column], column: column, table: images.table)
            }
        }.get()
    }
}
