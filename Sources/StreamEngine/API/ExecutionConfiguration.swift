/// Settings of one job execution.
public struct ExecutionConfiguration: Sendable {
    /// Stream or batch. Default: `.stream`.
    public var mode: ExecutionMode
    /// Number of keyed tasks; task `i` owns the keys whose hash modulo `parallelism` is `i`.
    /// Default: 1 (everything chained on the calling thread).
    public var parallelism: Int
    /// Records a reader returns per call, and records per batch sent to a task. Default: 4096.
    public var batchSize: Int
    /// Batches a task's input queue holds before sources block (backpressure). Default: 8.
    public var queueCapacity: Int
    /// Checkpointing; `nil` disables it. Default: `nil`.
    public var checkpointing: CheckpointConfiguration?
    /// Resume from the backend's latest completed checkpoint. Default: false.
    public var restoreFromCheckpoint: Bool
    /// The processing-time clock. Default: ``SystemClock``.
    public var clock: any ProcessingTimeClock

    /// Creates a configuration.
    public init(
        mode: ExecutionMode = .stream, parallelism: Int = 1, batchSize: Int = 4096, queueCapacity: Int = 8,
        checkpointing: CheckpointConfiguration? = nil, restoreFromCheckpoint: Bool = false,
        clock: any ProcessingTimeClock = SystemClock()
    ) {
        self.mode = mode
        self.parallelism = parallelism
        self.batchSize = batchSize
        self.queueCapacity = queueCapacity
        self.checkpointing = checkpointing
        self.restoreFromCheckpoint = restoreFromCheckpoint
        self.clock = clock
    }

    /// Checks the settings once, before the job starts.
    public func validate() throws(JobError) {
        guard parallelism >= 1 else { throw .invalidConfiguration("parallelism must be at least 1, got \(parallelism)") }
        guard batchSize >= 1 else { throw .invalidConfiguration("batchSize must be at least 1, got \(batchSize)") }
        guard queueCapacity >= 1 else { throw .invalidConfiguration("queueCapacity must be at least 1, got \(queueCapacity)") }
        if let checkpointing {
            guard checkpointing.everyRecords != nil || checkpointing.everyMilliseconds != nil else {
                throw .invalidConfiguration("checkpointing needs everyRecords or everyMilliseconds")
            }
        }
        if restoreFromCheckpoint, checkpointing == nil {
            throw .invalidConfiguration("restoreFromCheckpoint needs a checkpointing backend")
        }
    }
}
