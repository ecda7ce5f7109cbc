/// A keyed, stateful operator as the runtime drives it: elements arrive with their key and
/// event timestamp, time advances, state is snapshotted and restored.
///
/// Window operators and ``KeyedProcessOperator`` implement it; each task owns one instance
/// and calls it from one thread only.
public protocol KeyedOperator: SendableMetatype {
    /// The key type produced by `keyBy`.
    associatedtype Key: StateHashable & StateCodable & Sendable
    /// Input element type.
    associatedtype Input
    /// Main-output element type.
    associatedtype Output
    /// Side-output element type (`Never` when unused).
    associatedtype SideOutput

    /// Processes one element.
    mutating func processElement<Out: OperatorOutput<Output, SideOutput>>(
        _ value: Input, key: Key, timestamp: Int64, output: inout Out)

    /// Advances event time to `watermark`, firing due event-time timers in timestamp order.
    mutating func advanceWatermark<Out: OperatorOutput<Output, SideOutput>>(to watermark: Int64, output: inout Out)

    /// Advances processing time to `time`, firing due processing-time timers.
    mutating func advanceProcessingTime<Out: OperatorOutput<Output, SideOutput>>(to time: Int64, output: inout Out)

    /// Batch mode, once every element of a key group was processed: fires all event-time and
    /// then processing-time timers as at end of input, then resets both clocks to −∞ for the
    /// next key group (Flink's batch execution does the same whenever the key changes).
    mutating func finishKeyGroup<Out: OperatorOutput<Output, SideOutput>>(output: inout Out)

    /// Writes all keyed state and timers.
    func snapshotState(to encoder: inout StateEncoder)

    /// Restores state written by `snapshotState`, keeping keys that pass `keyFilter`.
    /// May be called several times (once per snapshot of a previous, differently-sized job).
    mutating func restoreState(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError)

    /// Current state size.
    var stateMetrics: StateMetrics { get }
}
