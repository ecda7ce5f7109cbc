import MySQL

extension ChangeEnvelope {
    /// The envelope as one line of JSON (no trailing newline):
    /// `{"op":"u","db":…,"table":…,"pk":{…},"before":{…},"after":{…},"ts_ms":…,"pos":{"file":…,"offset":…,"row":…,"gtid":…},"schema_version":…}`.
    public func jsonBytes() -> [UInt8] {
        var writer = JSONWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// The JSON text of `jsonBytes()`.
    public func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// `keys`: the column names pre-encoded as `"name":` (one array per table schema, so the
    /// names are not escaped again for every row).
    func encode(into writer: inout JSONWriter, keys: [[UInt8]]? = nil) {
        writer.beginObject()
        writer.key("op"); writer.string(operation.rawValue)
        writer.key("db"); writer.string(database)
        writer.key("table"); writer.string(table)
        // Each image read once (an envelope built from binlog bytes decodes them on reading).
        let before = self.before, after = self.after
        writer.key("pk")
        if let image = after ?? before {
            writer.beginObject()
            for index in primaryKey where index < image.count && index < columnNames.count {
                writer.key(columnNames[index]); writer.value(image[index])
            }
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("before"); image(before, keys: keys, into: &writer)
        writer.key("after"); image(after, keys: keys, into: &writer)
        writer.key("ts_ms"); writer.int(timestampMs)
        writer.key("pos")
        writer.beginObject()
        writer.key("file"); writer.string(position.file)
        writer.key("offset"); writer.uint(position.offset)
        writer.key("row"); writer.uint(position.row)
        writer.key("gtid")
        if let gtid = position.gtid { writer.string(gtid) } else { writer.null() }
        writer.endObject()
        writer.key("schema_version"); writer.int(Int64(schemaVersion))
        writer.endObject()
    }

    private func image(_ values: [MySQLValue]?, keys: [[UInt8]]?, into writer: inout JSONWriter) {
        guard let values else { writer.null(); return }
        writer.beginObject()
        for (index, value) in values.enumerated() {
            if let keys, index < keys.count {
                writer.encodedKey(keys[index])
            } else {
                writer.key(index < columnNames.count ? columnNames[index] : "col_\(index)")
            }
            writer.value(value)
        }
        writer.endObject()
    }

    /// Column names encoded once as `"name":` for `EnvelopeEncoder`.
    static func encodedKeys(_ names: [String]) -> [[UInt8]] { names.map(JSONWriter.encodeKey) }

    /// The JSON text of one column value as envelopes write it (for tests and tools).
    public static func jsonText(of value: MySQLValue) -> String {
        var writer = JSONWriter(capacity: 32)
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The Kafka key: the key columns' values, as text for one column, a JSON array for several.
    public func keyBytes(columns: [Int]) -> [UInt8]? {
        guard let image = currentImage, !columns.isEmpty else { return nil }
        if columns.count == 1, columns[0] < image.count { return Self.keyBytes(of: image[columns[0]]) }
        var writer = JSONWriter(capacity: 64)
        writer.beginArray()
        for index in columns where index < image.count { writer.value(image[index]) }
        writer.endArray()
        return writer.bytes
    }

    /// The Kafka key of a single key column's value: its text, a binary value's bytes, `nil` for NULL.
    static func keyBytes(of value: MySQLValue) -> [UInt8]? {
        switch value {
        case .null: nil
        case .bytes(let data): data
        case let value: Array(value.description.utf8)
        }
    }
}
