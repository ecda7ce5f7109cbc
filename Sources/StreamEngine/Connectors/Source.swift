/// A partitioned input (Flink's `Source`, a Kafka topic): the runtime runs one reader per
/// partition and routes records to keyed tasks.
public protocol Source: Sendable {
    /// The reader type; created on the thread that runs the partition.
    associatedtype Reader: SourceReader

    /// Number of partitions.
    var partitionCount: Int { get }

    /// Whether every partition ends (required for batch mode).
    var isBounded: Bool { get }

    /// Opens `partition`, resuming at `offset` (from a checkpoint) or at the start if `nil`.
    func createReader(partition: Int, startingAt offset: SourceOffset?) throws -> Reader
}
