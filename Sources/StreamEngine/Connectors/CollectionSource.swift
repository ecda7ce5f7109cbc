/// An in-memory source: each partition is an array of records, optionally interleaved with
/// idle periods. For tests and examples.
public struct CollectionSource<Record: Sendable>: Source {
    /// One step of a partition's script.
    public enum Step: Sendable {
        /// Deliver this record.
        case record(Record)
        /// Report `.idle` once (nothing available right now).
        case idle
    }

    /// The scripted partitions.
    public let partitions: [[Step]]
    /// Records per read call. Default: 1024.
    public let batchSize: Int
    /// Whether the partitions end. Default: true.
    public let isBounded: Bool

    /// A source whose partitions are `partitions` (records only).
    public init(partitions: [[Record]], batchSize: Int = 1024) {
        self.partitions = partitions.map { $0.map(Step.record) }
        self.batchSize = batchSize
        self.isBounded = true
    }

    /// A source whose partitions follow `scripts` (records and idle periods).
    public init(scripts: [[Step]], batchSize: Int = 1024) {
        self.partitions = scripts
        self.batchSize = batchSize
        self.isBounded = true
    }

    /// A single-partition source.
    public init(_ records: [Record], batchSize: Int = 1024) {
        self.init(partitions: [records], batchSize: batchSize)
    }

    public var partitionCount: Int { partitions.count }

    public func createReader(partition: Int, startingAt offset: SourceOffset?) throws -> Reader {
        Reader(steps: partitions[partition], index: Int(offset ?? 0), batchSize: batchSize)
    }

    /// Reads one scripted partition; the offset is the step index.
    public struct Reader: SourceReader {
        let steps: [Step]
        var index: Int
        let batchSize: Int
        /// Offsets acknowledged by checkpoints, newest last.
        public private(set) var committed: [SourceOffset] = []

        public var position: SourceOffset { SourceOffset(index) }

        public mutating func read(into batch: inout [Record], maxRecords: Int) throws -> SourceReadStatus {
            var appended = 0
            let limit = min(maxRecords, batchSize)
            while index < steps.count, appended < limit {
                switch steps[index] {
                case .record(let record):
                    batch.append(record)
                    appended += 1
                    index += 1
                case .idle:
                    if appended > 0 { return .available }
                    index += 1
                    return .idle
                }
            }
            return index < steps.count ? .available : .endOfInput
        }

        public mutating func commit(_ offset: SourceOffset) throws { committed.append(offset) }
    }
}
