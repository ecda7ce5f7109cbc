/// Fires a window when the task's processing time passes the window's end.
public struct ProcessingTimeTrigger: Trigger {
    /// Creates the trigger.
    public init() {}

    @inlinable
    public func onElement<Key, W: Window>(timestamp: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        if context.isFirstElement { context.registerProcessingTimeTimer(context.window.maxTimestamp) }
        return .continue
    }

    @inlinable
    public func onEventTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        .continue
    }

    @inlinable
    public func onProcessingTime<Key, W: Window>(_ time: Int64, context: inout TriggerContext<Key, W>) -> TriggerResult {
        time == context.window.maxTimestamp ? .fire : .continue
    }

    @inlinable
    public func onMerge<Key, W: Window>(context: inout TriggerContext<Key, W>) {
        context.registerProcessingTimeTimer(context.window.maxTimestamp)
    }

    @inlinable
    public func clear<Key, W: Window>(context: inout TriggerContext<Key, W>) {
        context.deleteProcessingTimeTimer(context.window.maxTimestamp)
    }
}
