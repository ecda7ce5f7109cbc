/// Encodes envelopes to JSON reusing one buffer and each table's pre-encoded column keys:
/// the pipeline's per-row hot path (measured: escaping names and building date strings per
/// row cost more than decoding the row).
struct EnvelopeEncoder {
    private var writer = JSONWriter(capacity: 4096)
    private var keysByTable: [String: (version: Int, names: [String], keys: [[UInt8]])] = [:]

    /// The pre-encoded keys for a table schema, cached per `db.table` and schema version.
    mutating func keys(database: String, table: String, version: Int, names: [String]) -> [[UInt8]] {
        let name = database + "." + table
        if let cached = keysByTable[name], cached.version == version, cached.names == names { return cached.keys }
        let keys = ChangeEnvelope.encodedKeys(names)
        keysByTable[name] = (version, names, keys)
        return keys
    }

    /// The JSON of `envelope`; valid until the next call.
    mutating func encode(_ envelope: ChangeEnvelope, keys: [[UInt8]]) -> [UInt8] {
        writer.reset()
        envelope.encode(into: &writer, keys: keys)
        return writer.bytes
    }
}
