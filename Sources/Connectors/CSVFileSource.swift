import StreamEngine

/// A bounded source over one CSV file, decoded by `Decoder`.
///
/// The file is read in large chunks and lines are split and parsed straight from the bytes;
/// the offset is a byte position, so a restored job resumes at the right line. With
/// `partitions > 1` the file is split into that many byte ranges, read by separate readers
/// (threads, with parallelism > 1); a line belongs to the range its first byte is in.
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
    /// Byte ranges read in parallel. Default: 1.
    public let partitions: Int

    /// Creates the source.
    public init(
        path: String, decoder: Decoder, hasHeader: Bool = true, errorPolicy: CSVErrorPolicy = .fail,
        chunkSize: Int = 4 << 20, statistics: CSVReadStatistics = CSVReadStatistics(), partitions: Int = 1
    ) {
        self.path = path
        self.decoder = decoder
        self.hasHeader = hasHeader
        self.errorPolicy = errorPolicy
        self.chunkSize = max(4096, chunkSize)
        self.statistics = statistics
        self.partitions = max(1, partitions)
    }

    public var partitionCount: Int { partitions }
    public var isBounded: Bool { true }

    public func createReader(partition: Int, startingAt offset: SourceOffset?) throws -> CSVFileReader<Decoder> {
        try CSVFileReader(source: self, range: try byteRange(of: partition), startingAt: offset)
    }

    /// The bytes whose lines `partition` reads: equal shares of the file's size.
    func byteRange(of partition: Int) throws -> Range<Int64> {
        guard partitions > 1 else { return 0..<Int64.max }
        let (size, errno) = POSIXFile.size(path)
        guard let size else { throw CSVError.cannotOpen(path: path, errno: errno) }
        let lower = size * Int64(partition) / Int64(partitions)
        let upper = partition == partitions - 1 ? Int64.max : size * Int64(partition + 1) / Int64(partitions)
        return lower..<upper
    }
}
