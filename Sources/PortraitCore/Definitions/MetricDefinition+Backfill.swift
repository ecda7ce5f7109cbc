extension MetricDefinition {
    /// Whether storing this version over `previous` leaves the metric without a past it should
    /// have: it becomes active, or an active metric now counts something else. Processors start
    /// such a metric from the inputs they read next; a backfill gives it the rest.
    public func needsBackfill(replacing previous: MetricDefinition?) -> Bool {
        guard status == .active else { return false }
        guard let previous, previous.status == .active else { return true }
        return previous.filter != filter || previous.aggregation != aggregation || previous.field != field || previous.window != window
    }
}
