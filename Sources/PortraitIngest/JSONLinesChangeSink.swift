import Foundation

/// Writes envelopes as JSON lines to a file handle (`portrait ingest --output -` uses standard
/// output), buffering up to `bufferSize` bytes between writes.
public struct JSONLinesChangeSink: ChangeSink {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let bufferSize: Int
    /// Envelopes written so far.
    public private(set) var count = 0

    public init(handle: FileHandle, bufferSize: Int = 1 << 16) {
        self.handle = handle
        self.bufferSize = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
        buffer.append(contentsOf: json)
        buffer.append(UInt8(ascii: "\n"))
        count += 1
        if buffer.count >= bufferSize { try flush() }
    }

    public mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
