/// A stream partitioned by key (Flink's `KeyedStream`): the input of stateful operators.
public struct KeyedStream<S: Source, Transform: RecordTransform, Key: StateHashable & StateCodable & Sendable>: Sendable
where Transform.Input == S.Reader.Record {
    let upstream: DataStream<S, Transform>
    let keySelector: @Sendable (Transform.Output) -> Key

    /// Runs a ``KeyedProcessFunction``; `makeFunction` is called once per task.
    public func process<Function: KeyedProcessFunction>(
        _ makeFunction: @escaping @Sendable () -> Function
    ) -> OperatorStream<S, Transform, KeyedProcessOperator<Function>, IdentityTransform<Function.Output>>
    where Function.Key == Key, Function.Input == Transform.Output {
        OperatorStream(keyed: self, makeOperator: { KeyedProcessOperator(makeFunction()) }, post: IdentityTransform())
    }

    /// Groups the elements of each key into windows.
    public func window<Assigner: WindowAssigner>(_ assigner: Assigner) -> WindowedStream<S, Transform, Key, Assigner, EventTimeTrigger> {
        WindowedStream(keyed: self, assigner: assigner, trigger: EventTimeTrigger(), configuration: WindowConfiguration())
    }
}
