/// A complete, typed job graph: source → transforms → keyBy → keyed operator → transforms →
/// sinks. Run it with ``StreamExecutionEnvironment/execute(_:)``.
public struct StreamJob<S: Source, Pre: RecordTransform, Op: KeyedOperator, Post: RecordTransform, MainSink: Sink, SideSink: Sink>: Sendable
where Pre.Input == S.Reader.Record, Pre.Output == Op.Input, Post.Input == Op.Output,
      MainSink.Writer.Input == Post.Output, SideSink.Writer.Input == Op.SideOutput {
    /// The partitioned input.
    public let source: S
    /// Timestamps and watermarks of the input.
    public let watermarks: WatermarkStrategy<S.Reader.Record>
    /// Stateless transforms before `keyBy`.
    public let pre: Pre
    /// The key of each element.
    public let keySelector: @Sendable (Pre.Output) -> Op.Key
    /// Creates the keyed operator of one task.
    public let makeOperator: @Sendable () -> Op
    /// Stateless transforms after the operator.
    public let post: Post
    /// Receives the results.
    public let sink: MainSink
    /// Receives the operator's side output.
    public let sideSink: SideSink
}
