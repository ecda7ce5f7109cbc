/// A keyed stream grouped into windows (Flink's `WindowedStream`); finish it with
/// ``aggregate(_:output:)``.
public struct WindowedStream<
    S: Source, Transform: RecordTransform, Key: StateHashable & StateCodable & Sendable,
    Assigner: WindowAssigner, WindowTrigger: Trigger
>: Sendable where Transform.Input == S.Reader.Record {
    let keyed: KeyedStream<S, Transform, Key>
    let assigner: Assigner
    let trigger: WindowTrigger
    let configuration: WindowConfiguration

    /// Replaces the default ``EventTimeTrigger``.
    public func trigger<Other: Trigger>(_ trigger: Other) -> WindowedStream<S, Transform, Key, Assigner, Other> {
        WindowedStream<S, Transform, Key, Assigner, Other>(keyed: keyed, assigner: assigner, trigger: trigger, configuration: configuration)
    }

    /// Keeps window state `lateness` ms after the window fires; late elements in that period
    /// update the window and re-fire it.
    public func allowedLateness(_ lateness: Int64) -> Self {
        var copy = self
        copy.configurationOverride(WindowConfiguration(allowedLateness: lateness, emitLateElements: configuration.emitLateElements))
        return copy
    }

    /// Sends elements too late for any window to the job's side-output sink instead of
    /// dropping them.
    public func sideOutputLateData() -> Self {
        var copy = self
        copy.configurationOverride(WindowConfiguration(allowedLateness: configuration.allowedLateness, emitLateElements: true))
        return copy
    }

    private mutating func configurationOverride(_ newValue: WindowConfiguration) {
        self = WindowedStream(keyed: keyed, assigner: assigner, trigger: trigger, configuration: newValue)
    }

    /// Aggregates each window incrementally with `function`; `output` builds the emitted row
    /// from the key, the window and the aggregate.
    public func aggregate<Function: AggregateFunction, Output>(
        _ function: Function,
        output: @escaping @Sendable (Key, Assigner.W, Function.Output) -> Output
    ) -> OperatorStream<S, Transform, WindowOperator<Key, Assigner, WindowTrigger, Function, Output>, IdentityTransform<Output>>
    where Function.Input == Transform.Output {
        let assigner = self.assigner, trigger = self.trigger, configuration = self.configuration
        return OperatorStream(keyed: keyed, makeOperator: {
            WindowOperator(assigner: assigner, trigger: trigger, function: function, configuration: configuration, makeOutput: output)
        }, post: IdentityTransform())
    }

    /// Aggregates merging (session) windows; chosen automatically for merging assigners.
    public func aggregate<Function: AggregateFunction, Output>(
        _ function: Function,
        output: @escaping @Sendable (Key, TimeWindow, Function.Output) -> Output
    ) -> OperatorStream<S, Transform, MergingWindowOperator<Key, Assigner, WindowTrigger, Function, Output>, IdentityTransform<Output>>
    where Function.Input == Transform.Output, Assigner: MergingWindowAssigner {
        let assigner = self.assigner, trigger = self.trigger, configuration = self.configuration
        return OperatorStream(keyed: keyed, makeOperator: {
            MergingWindowOperator(assigner: assigner, trigger: trigger, function: function, configuration: configuration, makeOutput: output)
        }, post: IdentityTransform())
    }
}
