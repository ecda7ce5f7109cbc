import Connectors
import StreamEngine

/// What `portrait bench engine` asked for.
public struct EngineBenchmarkOptions: Sendable {
    /// Which workload.
    public var workload: EngineWorkload
    /// Input CSV path (`ts_ms,user_id,event_type,item_id,category,amount`, with header).
    public var input: String
    /// Output CSV path.
    public var output: String
    /// Batch or stream. Default: `.batch`.
    public var mode: ExecutionMode
    /// Keyed tasks. Default: 1.
    public var parallelism: Int
    /// Malformed input lines: skip (counted) or fail. Default: `.skip`.
    public var errorPolicy: CSVErrorPolicy
    /// Stream mode: bounded out-of-orderness of the watermark, ms. Default: 5000.
    public var outOfOrderness: Int64
    /// Stream mode: records between periodic watermarks. Default: 4096.
    public var watermarkInterval: Int
    /// Byte ranges the input file is split into, each read by its own source thread when
    /// `parallelism > 1`. Default: `parallelism` in batch mode, 1 in stream mode (the file is
    /// in time order, so a later range would run far ahead of the watermark and its windows
    /// would pile up in state).
    public var inputSplits: Int

    /// Creates options.
    public init(
        workload: EngineWorkload, input: String, output: String, mode: ExecutionMode = .batch, parallelism: Int = 1,
        errorPolicy: CSVErrorPolicy = .skip, outOfOrderness: Int64 = 5_000, watermarkInterval: Int = 4096,
        inputSplits: Int? = nil
    ) {
        self.workload = workload
        self.input = input
        self.output = output
        self.mode = mode
        self.parallelism = parallelism
        self.errorPolicy = errorPolicy
        self.outOfOrderness = outOfOrderness
        self.watermarkInterval = watermarkInterval
        self.inputSplits = inputSplits ?? (mode == .batch ? parallelism : 1)
    }
}
