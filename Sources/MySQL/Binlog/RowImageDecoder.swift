/// Decodes the row images of a WRITE/UPDATE/DELETE rows event (V1 types 23-25 as MariaDB
/// writes them, V2 types 30-32 as MySQL writes them) against the event's TABLE_MAP.
///
/// A pure function over bytes: no server, no C library (Connector/C's own row extraction
/// mis-decodes signed integers, CHAR, ENUM, SET and negative TIME). Only the decoded values
/// are allocated; a corrupt event or an unknown column type throws a typed error.
public enum RowImageDecoder {
    /// The table id and flags at the start of a rows event body, and where its rows start.
    public struct Header: Sendable, Equatable {
        public var tableId: UInt64
        public var flags: UInt16
        /// Offset of the column count, after the post-header and any V2 extra data.
        public var bodyOffset: Int
    }

    /// The kind of change a rows event type carries, `nil` for event types that are not rows events.
    public static func kind(eventType: UInt8) -> RowsEvent.Kind? {
        switch eventType {
        case 23, 30: .insert
        case 24, 31: .update
        case 25, 32: .delete
        default: nil
        }
    }

    /// Reads the post-header. `postHeaderLength` is from the FORMAT_DESCRIPTION event (8 for V1, 10 for V2).
    public static func header(eventType: UInt8, body: UnsafeRawBufferPointer, postHeaderLength: Int) throws(BinlogDecodingError) -> Header {
        if (166...171).contains(eventType) { throw .compressedRows(eventType: eventType) }
        var cursor = ByteCursor(body)
        let tableId = try cursor.le(6)
        let flags = UInt16(try cursor.le(2))
        if eventType >= 30 && eventType <= 32 {
            // V2: a 2-byte length that counts itself, then that many extra bytes (ignored).
            let extraLength = Int(try cursor.le(2))
            try cursor.skip(max(0, extraLength - 2))
        } else {
            try cursor.skip(max(0, postHeaderLength - 8))
        }
        return Header(tableId: tableId, flags: flags, bodyOffset: cursor.offset)
    }

    /// What precedes the row images of a rows event: its kind, header, column count and the
    /// column sets of the first and (for updates) second image, and where the images start.
    static func prologue(
        eventType: UInt8, body: UnsafeRawBufferPointer, postHeaderLength: Int, table: TableMap
    ) throws(BinlogDecodingError) -> (kind: RowsEvent.Kind, header: Header, rowsOffset: Int, columnCount: Int, firstSet: ColumnSet, secondSet: ColumnSet) {
        guard let kind = kind(eventType: eventType) else {
            throw .malformed(offset: 0, detail: "event type \(eventType) is not a rows event")
        }
        let header = try header(eventType: eventType, body: body, postHeaderLength: postHeaderLength)
        var cursor = ByteCursor(body, offset: header.bodyOffset)
        let columnCount = try cursor.packedIndex()
        guard columnCount <= table.columns.count else {
            throw .malformed(offset: cursor.offset, detail: "rows event has \(columnCount) columns, TABLE_MAP of \(table.qualifiedName) has \(table.columns.count)")
        }
        let firstSet = ColumnSet(bitmap: try cursor.slice((columnCount + 7) / 8), count: columnCount)
        let secondSet = kind == .update ? ColumnSet(bitmap: try cursor.slice((columnCount + 7) / 8), count: columnCount) : firstSet
        return (kind, header, cursor.offset, columnCount, firstSet, secondSet)
    }

    /// Decodes every row of a rows event body (after the 19-byte header, without the checksum).
    public static func decode(eventType: UInt8, body: UnsafeRawBufferPointer, postHeaderLength: Int, table: TableMap) throws(BinlogDecodingError) -> RowsEvent {
        let (kind, header, rowsOffset, columnCount, firstSet, secondSet) = try prologue(eventType: eventType, body: body, postHeaderLength: postHeaderLength, table: table)
        var cursor = ByteCursor(body, offset: rowsOffset)
        var rows: [RowChange] = []
        while !cursor.isAtEnd {
            switch kind {
            case .insert:
                rows.append(RowChange(before: nil, after: try decodeImage(&cursor, columns: firstSet, table: table)))
            case .delete:
                rows.append(RowChange(before: try decodeImage(&cursor, columns: firstSet, table: table), after: nil))
            case .update:
                let before = try decodeImage(&cursor, columns: firstSet, table: table)
                rows.append(RowChange(before: before, after: try decodeImage(&cursor, columns: secondSet, table: table)))
            }
        }
        let empty = ColumnSet(count: columnCount, all: false)
        return RowsEvent(
            kind: kind, table: table, flags: header.flags,
            beforeColumns: kind == .insert ? empty : firstSet,
            afterColumns: kind == .delete ? empty : secondSet, rows: rows)
    }

    /// One row image: a NULL bitmap over the present columns, then each present non-NULL value.
    static func decodeImage(_ cursor: inout ByteCursor, columns: ColumnSet, table: TableMap) throws(BinlogDecodingError) -> [MySQLValue] {
        let count = columns.count
        var presentCount = 0
        for index in 0..<count where columns.contains(index) { presentCount += 1 }
        let nulls = try cursor.slice((presentCount + 7) / 8)
        var values: [MySQLValue] = []
        values.reserveCapacity(count)
        var present = 0
        for index in 0..<count {
            guard columns.contains(index) else { values.append(.null); continue }
            defer { present += 1 }
            if nulls[present >> 3] & (1 << UInt8(present & 7)) != 0 { values.append(.null); continue }
            values.append(try decodeValue(&cursor, layout: table.layouts[index], column: index, table: table))
        }
        return values
    }

    @inline(__always)
    static func decodeValue(_ cursor: inout ByteCursor, layout: ColumnLayout, column: Int, table: TableMap) throws(BinlogDecodingError) -> MySQLValue {
        switch layout {
        case .integer(let width, let unsigned):
            let raw = try cursor.le(width)
            if unsigned { return .uint(raw) }
            let shift = UInt64(64 - 8 * width)
            return .int(Int64(bitPattern: raw << shift) >> Int64(shift))  // sign-extend
        case .float:
            return .double(Double(Float(bitPattern: UInt32(try cursor.le(4)))))
        case .double:
            return .double(Double(bitPattern: try cursor.le(8)))
        case .year:
            let raw = Int(try cursor.u8())
            return .int(Int64(raw == 0 ? 0 : 1900 + raw))
        case .date:
            let raw = Int(try cursor.le(3))
            return .date(MySQLDate(year: raw >> 9, month: (raw >> 5) & 15, day: raw & 31))
        case .time:
            let raw = Int64(bitPattern: try cursor.le(3) << 40) >> 40
            let magnitude = Int(raw.magnitude)
            return .time(MySQLTime(negative: raw < 0, hours: magnitude / 10_000, minutes: magnitude / 100 % 100, seconds: magnitude % 100))
        case .datetime:
            let raw = Int(try cursor.le(8))
            let date = MySQLDate(year: raw / 10_000_000_000, month: raw / 100_000_000 % 100, day: raw / 1_000_000 % 100)
            return .datetime(MySQLDateTime(date: date, hour: raw / 10_000 % 100, minute: raw / 100 % 100, second: raw % 100))
        case .timestamp:
            return .datetime(TemporalDecoding.utcDateTime(seconds: Int64(try cursor.le(4)), microseconds: 0))
        case .time2(let fsp):
            return .time(try TemporalDecoding.time2(&cursor, fsp: fsp))
        case .datetime2(let fsp):
            return .datetime(try TemporalDecoding.datetime2(&cursor, fsp: fsp))
        case .timestamp2(let fsp):
            let seconds = Int64(try cursor.be(4))
            let microseconds = try TemporalDecoding.fraction(&cursor, fsp: fsp)
            return .datetime(TemporalDecoding.utcDateTime(seconds: seconds, microseconds: microseconds))
        case .decimal(let precision, let scale):
            return .decimal(try BinaryDecimal.decode(&cursor, precision: precision, scale: scale))
        case .bit(let byteCount):
            return .bytes(Array(try cursor.slice(byteCount)))
        case .string(let lengthBytes, let encoding, let padBinaryTo):
            let bytes = try cursor.slice(Int(try cursor.le(lengthBytes)))
            if encoding == .binary {
                var value = Array(bytes)
                // BINARY(n) is logged without its trailing zero padding; SELECT returns it padded.
                if value.count < padBinaryTo { value.append(contentsOf: repeatElement(0, count: padBinaryTo - value.count)) }
                return .bytes(value)
            }
            return .string(TextDecoding.string(bytes, encoding: encoding))
        case .blob(let lengthBytes, let encoding):
            let bytes = try cursor.slice(Int(try cursor.le(lengthBytes)))
            return encoding == .binary ? .bytes(Array(bytes)) : .string(TextDecoding.string(bytes, encoding: encoding))
        case .json(let lengthBytes):
            let bytes = try cursor.slice(Int(try cursor.le(lengthBytes)))
            return .string(try MySQLBinaryJSON.text(bytes))
        case .enumeration(let width, let values):
            let index = Int(try cursor.le(width))
            if index == 0 { return .string("") }  // the error value '' of an invalid ENUM
            return .string(index <= values.count ? values[index - 1] : String(index))
        case .set(let width, let values):
            let bits = try cursor.le(width)
            guard !values.isEmpty else { return .string(String(bits)) }
            var text = ""
            for (position, name) in values.enumerated() where position < 64 && bits & (1 << UInt64(position)) != 0 {
                if !text.isEmpty { text.append(",") }
                text.append(name)
            }
            return .string(text)
        case .unsupported(let type):
            throw .unsupportedColumnType(type: type, column: column, table: table.qualifiedName)
        }
    }
}
