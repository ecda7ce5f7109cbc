import MySQL

/// Encodes the envelopes of one rows event straight from the row images' bytes: the fields
/// every row of the event shares (`op`, `db`, `table`; `ts_ms`, `pos` but its `row`,
/// `schema_version`) are written once per event, each image by `RowImageJSON`, and `pk` and
/// the Kafka key copied from the image's encoded values. Byte for byte what `ChangeEnvelope.encode` writes for the
/// decoded envelope (`RowEnvelopeEncoderTests`).
public struct RowEnvelopeEncoder {
    private var head: [UInt8] = []
    private var keys = RowImageJSON.Keys([])
    /// `,"ts_ms":…,"pos":{"file":…,"offset":…,"row":`, then the row's index, then `afterRow`.
    private var tail: [UInt8] = []
    /// `,"gtid":…},"schema_version":…}`.
    private var afterRow: [UInt8] = []
    private var images: [UInt8] = []
    private var output: [UInt8] = []
    private var beforeLayout = RowImageJSON.Layout()
    private var afterLayout = RowImageJSON.Layout()

    public init() {
        images.reserveCapacity(8192)
        output.reserveCapacity(8192)
    }

    /// Column names encoded as `"name":`, the `keys` `encode` takes (once per table schema).
    public static func keys(_ names: [String]) -> [[UInt8]] { ChangeEnvelope.encodedKeys(names) }

    /// Writes the shared fields of the event's envelopes (call before `encode`). `keys` are
    /// the column names encoded as `"name":` (`keys(_:)`); columns beyond them are `col_<i>`.
    public mutating func begin(
        operation: ChangeEnvelope.Operation, database: String, table: String, timestampMs: Int64, position: ChangeEnvelope.Position, schemaVersion: Int,
        keys: [[UInt8]], columnCount: Int
    ) {
        self.keys = RowImageJSON.Keys(keys.count >= columnCount ? keys : keys + (keys.count..<columnCount).map { JSONWriter.encodeKey("col_\($0)") })
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("op"); writer.string(operation.rawValue)
        writer.key("db"); writer.string(database)
        writer.key("table"); writer.string(table)
        writer.key("pk")
        head = writer.bytes
        // The tail as an object of its own, its `{` turned into the comma that follows `after`.
        writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("ts_ms"); writer.int(timestampMs)
        writer.key("pos")
        writer.beginObject()
        writer.key("file"); writer.string(position.file)
        writer.key("offset"); writer.uint(position.offset)
        writer.key("row")
        // The row index is the only part that differs per row: the tail is split around it.
        let rowAt = writer.bytes.count
        writer.uint(0)
        writer.key("gtid")
        if let gtid = position.gtid { writer.string(gtid) } else { writer.null() }
        writer.endObject()
        writer.key("schema_version"); writer.int(Int64(schemaVersion))
        writer.endObject()
        tail = Array(writer.bytes[..<rowAt])
        tail[0] = UInt8(ascii: ",")
        afterRow = Array(writer.bytes[(rowAt + 1)...])
    }

    /// The JSON and Kafka key of one row's envelope; the JSON is valid until the next call.
    /// `row` is the row's index within the rows event (`pos.row`), `nameCount` the number of
    /// column names, `keyColumns` the Kafka key's columns.
    public mutating func encode(
        before: RowImage?, after: RowImage?, row: UInt64 = 0, primaryKey: [Int], nameCount: Int, keyColumns: [Int]
    ) throws(BinlogDecodingError) -> (json: [UInt8], key: [UInt8]?) {
        let columnCount = (after ?? before)?.columnCount ?? 0
        let keys = self.keys
        images.removeAll(keepingCapacity: true)
        var beforeRange = 0..<0, afterRange = 0..<0
        if let before {
            try RowImageJSON.append(before, keys: keys, into: &images, layout: &beforeLayout)
            beforeRange = 0..<images.count
        }
        if let after {
            let start = images.count
            try RowImageJSON.append(after, keys: keys, into: &images, layout: &afterLayout)
            afterRange = start..<images.count
        }
        let current = after ?? before
        let layout = after == nil ? beforeLayout : afterLayout

        output.removeAll(keepingCapacity: true)
        output.append(contentsOf: head)
        images.withUnsafeBufferPointer { images in
            output.append(UInt8(ascii: "{"))
            var first = true
            for index in primaryKey where index < columnCount && index < nameCount {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                keys.withKey(index) { output.append(contentsOf: $0) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: images[layout.valueStarts[index]..<layout.valueEnds[index]]))
            }
            output.append(UInt8(ascii: "}"))
            Self.appendLiteral(",\"before\":", into: &output)
            if before != nil { output.append(contentsOf: UnsafeBufferPointer(rebasing: images[beforeRange])) } else { Self.appendLiteral("null", into: &output) }
            Self.appendLiteral(",\"after\":", into: &output)
            if after != nil { output.append(contentsOf: UnsafeBufferPointer(rebasing: images[afterRange])) } else { Self.appendLiteral("null", into: &output) }
        }
        output.append(contentsOf: tail)
        if row < 10 { output.append(UInt8(ascii: "0") + UInt8(row)) } else { output.append(contentsOf: String(row).utf8) }
        output.append(contentsOf: afterRow)
        return (output, try kafkaKey(current, layout: layout, columns: keyColumns, columnCount: columnCount))
    }

    /// As `ChangeEnvelope.keyBytes(columns:)`: one column's text (decoded from its bytes), or
    /// a JSON array of the columns' values copied from the encoded image.
    private func kafkaKey(_ image: RowImage?, layout: RowImageJSON.Layout, columns: [Int], columnCount: Int) throws(BinlogDecodingError) -> [UInt8]? {
        guard let image, !columns.isEmpty else { return nil }
        if columns.count == 1, columns[0] < columnCount {
            let column = columns[0]
            let offset = layout.columnOffsets[column]
            return ChangeEnvelope.keyBytes(of: try image.value(column: column, offset: offset < 0 ? nil : offset))
        }
        var key: [UInt8] = [UInt8(ascii: "[")]
        var first = true
        for index in columns where index < columnCount {
            if !first { key.append(UInt8(ascii: ",")) }
            first = false
            key.append(contentsOf: images[layout.valueStarts[index]..<layout.valueEnds[index]])
        }
        key.append(UInt8(ascii: "]"))
        return key
    }

    private static func appendLiteral(_ text: StaticString, into output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
