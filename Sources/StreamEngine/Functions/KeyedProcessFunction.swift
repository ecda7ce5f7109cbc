/// Low-level keyed processing with state and timers (Flink's `KeyedProcessFunction`).
///
/// `open` registers state through descriptors on the operator's ``KeyedStateStore`` and keeps
/// the handles; the handles are scoped to the current key automatically. Keep everything that
/// must survive a restore in that state, not in stored properties.
public protocol KeyedProcessFunction: SendableMetatype {
    /// The key type produced by `keyBy`.
    associatedtype Key: StateHashable & StateCodable & Sendable
    /// Input element type.
    associatedtype Input
    /// Main-output element type.
    associatedtype Output
    /// Side-output element type. Default: `Never`.
    associatedtype SideOutput = Never

    /// Registers state; called once per task before any element.
    mutating func open(state: KeyedStateStore<Key>)

    /// Handles one element.
    mutating func processElement(
        _ value: Input, context: inout KeyedProcessContext<Key, SideOutput>, out: inout Collector<Output>)

    /// Handles a timer of `context.currentKey` firing at `timestamp`.
    mutating func onTimer(
        _ timestamp: Int64, context: inout KeyedProcessContext<Key, SideOutput>, out: inout Collector<Output>)
}

extension KeyedProcessFunction {
    /// No timers: does nothing.
    public mutating func onTimer(
        _ timestamp: Int64, context: inout KeyedProcessContext<Key, SideOutput>, out: inout Collector<Output>) {}
}
