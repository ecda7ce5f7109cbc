/// A keyed operator whose state is one `KeyedStateStore` and one `TimerService`: the
/// end-of-key-group, snapshot, restore and metrics behaviour follow from those two alone, so
/// they are written once here for every such operator.
public protocol TimedKeyedOperator: KeyedOperator {
    /// The namespace timers are registered under (`VoidNamespace`, or the window type).
    associatedtype TimerNamespace: StateHashable & StateCodable

    var store: KeyedStateStore<Key> { get }
    var timers: TimerService<Key, TimerNamespace> { get }
}

extension TimedKeyedOperator {
    @inlinable
    public mutating func finishKeyGroup<Out: OperatorOutput<Output, SideOutput>>(output: inout Out) {
        advanceWatermark(to: Watermark.maximum, output: &output)
        advanceProcessingTime(to: Watermark.maximum, output: &output)
        timers.resetClocks()
    }

    public func snapshotState(to encoder: inout StateEncoder) {
        store.snapshot(to: &encoder)
        timers.snapshot(to: &encoder)
    }

    public mutating func restoreState(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {
        try store.restore(from: &decoder, keyFilter: keyFilter)
        try timers.restore(from: &decoder, keyFilter: keyFilter)
    }

    public var stateMetrics: StateMetrics {
        var metrics = store.metrics
        metrics.timers = timers.count
        return metrics
    }
}
