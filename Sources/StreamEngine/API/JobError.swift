/// Why a job could not run.
public enum JobError: Error, Sendable, CustomStringConvertible {
    /// A setting is out of range; fix the configuration.
    case invalidConfiguration(String)
    /// Batch mode was asked for an unbounded source; use stream mode.
    case unboundedSourceInBatchMode
    /// The source has no partitions.
    case noPartitions
    /// The checkpoint to restore does not fit this job.
    case incompatibleCheckpoint(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid job configuration: \(reason)"
        case .unboundedSourceInBatchMode: "batch mode needs a bounded source; run in stream mode instead"
        case .noPartitions: "the source has no partitions"
        case .incompatibleCheckpoint(let reason): "cannot restore checkpoint: \(reason)"
        }
    }
}
