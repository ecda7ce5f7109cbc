/// Where envelopes go. `write` may buffer; `flush` returns once everything written is durable
/// at the destination (acknowledged by Kafka, written to the file), and only then does the
/// pipeline save the position.
public protocol ChangeSink {
    /// Hands over one envelope, its encoded JSON, its topic and its key.
    mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws
    /// Makes every write so far durable, or throws.
    mutating func flush() throws
}
