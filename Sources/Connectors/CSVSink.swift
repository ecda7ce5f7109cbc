import StreamEngine

/// Writes results as CSV to one file, with an optional header line.
///
/// Every task gets a buffered writer; full buffers (and checkpoint flushes) are appended to
/// the shared file under a lock, so rows stay whole. Row order across tasks is unspecified.
public struct CSVSink<Encoder: CSVRowEncoder>: Sink {
    /// Output path; truncated when the first writer opens.
    public let path: String
    /// Formats rows.
    public let encoder: Encoder
    /// Bytes buffered per writer before a write. Default: 1 MiB.
    public let bufferSize: Int
    let file: CSVOutputFile

    /// Creates the sink; `header` (without line break) is written first if given.
    public init(path: String, header: String?, encoder: Encoder, bufferSize: Int = 1 << 20) {
        self.path = path
        self.encoder = encoder
        self.bufferSize = max(4096, bufferSize)
        self.file = CSVOutputFile(path: path, header: header)
    }

    /// Data rows written so far (header excluded).
    public var rowsWritten: Int { file.rowsWritten }

    public func createWriter(subtask: Int, parallelism: Int) throws -> CSVSinkWriter<Encoder> {
        try file.attachWriter()
        return CSVSinkWriter(file: file, encoder: encoder, bufferSize: bufferSize)
    }
}

/// One task's buffered CSV writer.
public struct CSVSinkWriter<Encoder: CSVRowEncoder>: SinkWriter {
    @usableFromInline let file: CSVOutputFile
    @usableFromInline let encoder: Encoder
    @usableFromInline let bufferSize: Int
    @usableFromInline var line: CSVLineWriter
    @usableFromInline var pendingRows = 0
    @usableFromInline var closed = false

    init(file: CSVOutputFile, encoder: Encoder, bufferSize: Int) {
        self.file = file
        self.encoder = encoder
        self.bufferSize = bufferSize
        self.line = CSVLineWriter(capacity: bufferSize + 4096)
    }

    @inlinable
    public mutating func write(_ element: Encoder.Input) throws {
        encoder.encode(element, into: &line)
        pendingRows += 1
        if line.bytes.count >= bufferSize { try flush() }
    }

    @usableFromInline
    mutating func flushBuffer() throws {
        line.flushStaged()
        try file.write(line.bytes, rows: pendingRows)
        line.bytes.removeAll(keepingCapacity: true)
        pendingRows = 0
    }

    public mutating func flush() throws { try flushBuffer() }

    public mutating func close() throws {
        guard !closed else { return }
        closed = true
        defer { file.detachWriter() }
        try flushBuffer()
    }
}
