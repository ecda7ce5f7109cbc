/// Decides when a window emits (Flink's `Trigger`), separately from which windows exist
/// (``WindowAssigner``) and what they compute (``AggregateFunction``).
///
/// Triggers are stateless values: anything they remember lives in timers, which are part of
/// the operator's snapshot.
public protocol Trigger: Sendable {
    /// An element was added to `context.window`.
    func onElement<Key, W: Window>(timestamp: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult
    /// An event-time timer of `context.window` fired.
    func onEventTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult
    /// A processing-time timer of `context.window` fired.
    func onProcessingTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult
    /// Windows were merged into `context.window` (sessions): re-register timers for it.
    func onMerge<Key, W: Window>(context: inout TriggerContext<Key, W>)
    /// `context.window` is gone: delete its timers.
    func clear<Key, W: Window>(context: inout TriggerContext<Key, W>)
}
