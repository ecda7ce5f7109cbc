import StreamEngine

/// What one benchmark run did and how long it took.
public struct EngineBenchmarkReport: Sendable {
    /// The workload.
    public var workload: EngineWorkload
    /// The mode.
    public var mode: ExecutionMode
    /// Keyed tasks.
    public var parallelism: Int
    /// Input events read (malformed lines excluded).
    public var events: Int
    /// Rows written (header excluded).
    public var outputRows: Int
    /// The whole job: reading, processing, writing.
    public var wallSeconds: Double
    /// Malformed lines skipped.
    public var skippedLines: Int

    /// Events per second over the whole job.
    public var eventsPerSecond: Double { wallSeconds > 0 ? Double(events) / wallSeconds : 0 }
}
