/// Assigns each element, by its event timestamp, to zero or more windows.
///
/// Assigners only say *which* windows; when they fire is the ``Trigger``'s job and what they
/// compute is the ``AggregateFunction``'s.
public protocol WindowAssigner: Sendable {
    /// The window type.
    associatedtype W: Window

    /// Calls `body` for every window that contains `timestamp`.
    func assignWindows(timestamp: Int64, _ body: (W) -> Void)
}

/// An assigner whose windows merge when they overlap (sessions; Flink's
/// `MergingWindowAssigner`). The merging rule is ``TimeWindow/intersects(_:)``.
public protocol MergingWindowAssigner: WindowAssigner where W == TimeWindow {}
