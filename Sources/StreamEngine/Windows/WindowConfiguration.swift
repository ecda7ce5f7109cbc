/// Lateness settings shared by the window operators.
public struct WindowConfiguration: Sendable {
    /// How long after a window fires late elements still update it (and re-fire), in ms.
    /// Default: 0 (state is dropped when the window fires).
    public var allowedLateness: Int64
    /// Whether elements too late for every window go to the side output. Default: false (dropped).
    public var emitLateElements: Bool

    /// Creates the configuration.
    public init(allowedLateness: Int64 = 0, emitLateElements: Bool = false) {
        precondition(allowedLateness >= 0, "allowed lateness cannot be negative")
        self.allowedLateness = allowedLateness
        self.emitLateElements = emitLateElements
    }

    /// When the state of a window with `maxTimestamp` is dropped: `maxTimestamp + lateness`.
    @inlinable
    public func cleanupTime(_ maxTimestamp: Int64) -> Int64 {
        let (sum, overflow) = maxTimestamp.addingReportingOverflow(allowedLateness)
        return overflow ? Watermark.maximum : sum
    }
}
