/// What a finished job did.
public struct JobResult: Sendable {
    /// Records read from the source, all partitions.
    public var recordsRead: Int = 0
    /// Elements written to the main sink.
    public var recordsWritten: Int = 0
    /// Elements written to the side-output sink (late events for windows).
    public var sideOutputRecords: Int = 0
    /// Checkpoints completed.
    public var checkpointsCompleted: Int = 0
    /// Keyed state left at the end, summed over tasks (before end-of-input cleanup this is
    /// the live state; windows clean themselves up, so it is usually small at the end).
    public var finalState = StateMetrics()
    /// Wall-clock seconds of the whole run.
    public var wallSeconds: Double = 0

    /// Creates an empty result.
    public init() {}
}
