/// Fires a window once the watermark passes its end (`maxTimestamp`), and again for every
/// late-but-allowed element (Flink's `EventTimeTrigger`).
public struct EventTimeTrigger: Trigger {
    /// Creates the trigger.
    public init() {}

    @inlinable
    public func onElement<Key, W: Window>(timestamp: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        if context.window.maxTimestamp <= context.currentWatermark {
            // Late but within allowed lateness: re-emit the updated result right away.
            return .fire
        }
        // Registering is idempotent; skipping repeats saves two hash lookups per element.
        if context.isFirstElement { context.registerEventTimeTimer(context.window.maxTimestamp) }
        return .continue
    }

    @inlinable
    public func onEventTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        time == context.window.maxTimestamp ? .fire : .continue
    }

    @inlinable
    public func onProcessingTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        .continue
    }

    @inlinable
    public func onMerge<Key, W: Window>(context: inout TriggerContext<Key, W>) {
        if context.window.maxTimestamp > context.currentWatermark {
            context.registerEventTimeTimer(context.window.maxTimestamp)
        }
    }

    @inlinable
    public func clear<Key, W: Window>(context: inout TriggerContext<Key, W>) {
        context.deleteEventTimeTimer(context.window.maxTimestamp)
    }
}
