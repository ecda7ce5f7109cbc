/// Entry point for building and running jobs (Flink's `StreamExecutionEnvironment`).
///
/// ```swift
/// let env = StreamExecutionEnvironment(ExecutionConfiguration(mode: .batch, parallelism: 2))
/// let job = env.fromSource(source, watermarks: .boundedOutOfOrderness(5_000) { $0.timestamp })
///     .keyBy { $0.userID }
///     .window(TumblingEventTimeWindows(size: 3_600_000))
///     .aggregate(Count()) { user, window, count in (user, window.start, count) }
///     .sinkTo(sink)
/// let result = try env.execute(job)
/// ```
public struct StreamExecutionEnvironment: Sendable {
    /// How jobs run.
    public var configuration: ExecutionConfiguration

    /// Creates an environment.
    public init(_ configuration: ExecutionConfiguration = ExecutionConfiguration()) {
        self.configuration = configuration
    }

    /// Starts a stream from `source`; `watermarks` assigns event timestamps and (in stream
    /// mode) periodic watermarks per partition.
    public func fromSource<S: Source>(
        _ source: S, watermarks: WatermarkStrategy<S.Reader.Record>
    ) -> DataStream<S, IdentityTransform<S.Reader.Record>> {
        DataStream(source: source, watermarks: watermarks, transform: IdentityTransform())
    }

    /// Runs `job` to completion on this process's threads and returns what it did.
    @inlinable
    public func execute<S, Pre, Op, Post, MainSink, SideSink>(
        _ job: StreamJob<S, Pre, Op, Post, MainSink, SideSink>
    ) throws -> JobResult where Pre.Output: Sendable {
        try configuration.validate()
        if configuration.mode == .batch, !job.source.isBounded { throw JobError.unboundedSourceInBatchMode }
        guard job.source.partitionCount > 0 else { throw JobError.noPartitions }
        var restored: CompletedCheckpoint?
        if configuration.restoreFromCheckpoint, let backend = configuration.checkpointing?.backend {
            restored = try backend.latestCheckpoint()
        }
        let start = ContinuousClock.now
        var result: JobResult
        if configuration.parallelism == 1 {
            var task = ChainedJobRunner(job: job, configuration: configuration, restored: restored)
            result = try task.run()
        } else {
            result = try ParallelJobRunner(job: job, configuration: configuration, restored: restored).run()
        }
        let elapsed = ContinuousClock.now - start
        result.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return result
    }
}
