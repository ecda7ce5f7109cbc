import StreamEngine

/// A bounded source over one CSV file (one partition), decoded by `Decoder`.
///
/// The file is read in large chunks and lines are split and parsed straight from the bytes;
/// the offset is a byte position, so a restored job resumes at the right line.
public struct CSVFileSource<Decoder: CSVRecordDecoder>: Source {
    /// The file to read.
    public let path: String
    /// Turns rows into records.
    public let decoder: Decoder
    /// Whether the first line is a header to skip. Default: true.
    public let hasHeader: Bool
    /// Skip or fail on malformed lines. Default: `.fail`.
    public let errorPolicy: CSVErrorPolicy
    /// Bytes read per system call. Default: 4 MiB.
    public let chunkSize: Int
    /// Skipped-line counts, shared with the caller.
    public let statistics: CSVReadStatistics

    /// Creates the source.
    public init(
        path: String, decoder: Decoder, hasHeader: Bool = true, errorPolicy: CSVErrorPolicy = .fail,
        chunkSize: Int = 4 << 20, statistics: CSVReadStatistics = CSVReadStatistics()
    ) {
        self.path = path
        self.decoder = decoder
        self.hasHeader = hasHeader
        self.errorPolicy = errorPolicy
        self.chunkSize = max(4096, chunkSize)
        self.statistics = statistics
    }

    public var partitionCount: Int { 1 }
    public var isBounded: Bool { true }

    public func createReader(partition: Int, startingAt offset: SourceOffset?) throws -> CSVFileReader<Decoder> {
        try CSVFileReader(source: self, startingAt: offset ?? 0)
    }
}
