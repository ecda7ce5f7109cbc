/// The output of a keyed operator, with stateless transforms after it; finish it with
/// ``sinkTo(_:)`` or ``sinkTo(_:sideOutput:)``.
public struct OperatorStream<S: Source, Pre: RecordTransform, Op: KeyedOperator, Post: RecordTransform>: Sendable
where Pre.Input == S.Reader.Record, Pre.Output == Op.Input, Post.Input == Op.Output {
    let source: S
    let watermarks: WatermarkStrategy<S.Reader.Record>
    let pre: Pre
    let keySelector: @Sendable (Pre.Output) -> Op.Key
    let makeOperator: @Sendable () -> Op
    let post: Post

    init(keyed: KeyedStream<S, Pre, Op.Key>, makeOperator: @escaping @Sendable () -> Op, post: Post) {
        self.source = keyed.upstream.source
        self.watermarks = keyed.upstream.watermarks
        self.pre = keyed.upstream.transform
        self.keySelector = keyed.keySelector
        self.makeOperator = makeOperator
        self.post = post
    }

    init(source: S, watermarks: WatermarkStrategy<S.Reader.Record>, pre: Pre, keySelector: @escaping @Sendable (Pre.Output) -> Op.Key,
         makeOperator: @escaping @Sendable () -> Op, post: Post) {
        self.source = source
        self.watermarks = watermarks
        self.pre = pre
        self.keySelector = keySelector
        self.makeOperator = makeOperator
        self.post = post
    }

    /// Applies `transform` to every result.
    public func map<Output>(_ transform: @escaping @Sendable (Post.Output) -> Output) -> OperatorStream<S, Pre, Op, MapTransform<Post, Output>> {
        OperatorStream<S, Pre, Op, MapTransform<Post, Output>>(
            source: source, watermarks: watermarks, pre: pre, keySelector: keySelector, makeOperator: makeOperator,
            post: MapTransform(post, transform))
    }

    /// Keeps the results for which `isIncluded` is true.
    public func filter(_ isIncluded: @escaping @Sendable (Post.Output) -> Bool) -> OperatorStream<S, Pre, Op, FilterTransform<Post>> {
        OperatorStream<S, Pre, Op, FilterTransform<Post>>(
            source: source, watermarks: watermarks, pre: pre, keySelector: keySelector, makeOperator: makeOperator,
            post: FilterTransform(post, isIncluded))
    }

    /// Writes results to `sink` and drops side output.
    public func sinkTo<MainSink: Sink>(_ sink: MainSink) -> StreamJob<S, Pre, Op, Post, MainSink, DiscardingSink<Op.SideOutput>>
    where MainSink.Writer.Input == Post.Output {
        sinkTo(sink, sideOutput: DiscardingSink())
    }

    /// Writes results to `sink` and side output (late events for windows) to `sideOutput`.
    public func sinkTo<MainSink: Sink, SideSink: Sink>(_ sink: MainSink, sideOutput: SideSink) -> StreamJob<S, Pre, Op, Post, MainSink, SideSink>
    where MainSink.Writer.Input == Post.Output, SideSink.Writer.Input == Op.SideOutput {
        StreamJob(source: source, watermarks: watermarks, pre: pre, keySelector: keySelector,
                  makeOperator: makeOperator, post: post, sink: sink, sideSink: sideOutput)
    }
}
