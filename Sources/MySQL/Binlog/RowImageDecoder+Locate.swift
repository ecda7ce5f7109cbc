extension RowImageDecoder {
    /// Finds where every row image of a rows event starts, without decoding values, and keeps
    /// the event's bytes: the input of `RowImageJSON`. Throws the errors `decode` throws on the
    /// same bytes (values are measured and checked, JSON documents parsed), so a reader that
    /// keeps bytes rejects exactly the events one that decodes does.
    public static func locate(eventType: UInt8, body: UnsafeRawBufferPointer, postHeaderLength: Int, table: TableMap) throws(BinlogDecodingError) -> RowsEvent {
        let (kind, header, rowsOffset, columnCount, firstSet, secondSet) = try prologue(eventType: eventType, body: body, postHeaderLength: postHeaderLength, table: table)
        var cursor = ByteCursor(body, offset: rowsOffset)
        var starts: [(before: Int, after: Int)] = []
        while !cursor.isAtEnd {
            let first = cursor.offset
            try skipImage(&cursor, columns: firstSet, table: table)
            switch kind {
            case .insert: starts.append((-1, first))
            case .delete: starts.append((first, -1))
            case .update:
                let second = cursor.offset
                try skipImage(&cursor, columns: secondSet, table: table)
                starts.append((first, second))
            }
        }
        let empty = ColumnSet(count: columnCount, all: false)
        let beforeColumns = kind == .insert ? empty : firstSet, afterColumns = kind == .delete ? empty : secondSet
        let images = RowImages(
            table: table, columnCount: columnCount, beforeColumns: beforeColumns, afterColumns: afterColumns, body: Array(body), starts: starts)
        return RowsEvent(kind: kind, table: table, flags: header.flags, beforeColumns: beforeColumns, afterColumns: afterColumns, rows: [], images: images)
    }

    static func skipImage(_ cursor: inout ByteCursor, columns: ColumnSet, table: TableMap) throws(BinlogDecodingError) {
        let count = columns.count
        var presentCount = 0
        for index in 0..<count where columns.contains(index) { presentCount += 1 }
        let nulls = try cursor.slice((presentCount + 7) / 8)
        var present = 0
        for index in 0..<count where columns.contains(index) {
            defer { present += 1 }
            if nulls[present >> 3] & (1 << UInt8(present & 7)) != 0 { continue }
            try skipValue(&cursor, layout: table.layouts[index], column: index, table: table)
        }
    }

    /// Steps over one value, checking what `decodeValue` would check.
    @inline(__always)
    static func skipValue(_ cursor: inout ByteCursor, layout: ColumnLayout, column: Int, table: TableMap) throws(BinlogDecodingError) {
        switch layout {
        case .integer(let width, _): try cursor.skip(width)
        case .float, .timestamp: try cursor.skip(4)
        case .double, .datetime: try cursor.skip(8)
        case .year: try cursor.skip(1)
        case .date, .time: try cursor.skip(3)
        case .time2(let fsp): try cursor.skip(3 + fractionBytes(fsp))
        case .datetime2(let fsp): try cursor.skip(5 + fractionBytes(fsp))
        case .timestamp2(let fsp): try cursor.skip(4 + fractionBytes(fsp))
        case .decimal(let precision, let scale):
            try BinaryDecimal.checkType(precision: precision, scale: scale, offset: cursor.offset)
            try cursor.skip(BinaryDecimal.size(precision: precision, scale: scale))
        case .bit(let byteCount): try cursor.skip(byteCount)
        case .string(let lengthBytes, _, _), .blob(let lengthBytes, _): try cursor.skip(Int(try cursor.le(lengthBytes)))
        case .json(let lengthBytes):
            _ = try MySQLBinaryJSON.text(try cursor.slice(Int(try cursor.le(lengthBytes))))
        case .enumeration(let width, _), .set(let width, _): try cursor.skip(width)
        case .unsupported(let type):
            throw .unsupportedColumnType(type: type, column: column, table: table.qualifiedName)
        }
    }

    /// Bytes of fractional seconds for precision `fsp`, as `TemporalDecoding.fraction` reads them.
    @inline(__always)
    static func fractionBytes(_ fsp: Int) -> Int { (1...6).contains(fsp) ? (fsp + 1) / 2 : 0 }
}
