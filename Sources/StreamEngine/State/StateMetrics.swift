/// Size of an operator's keyed state, for monitoring and capacity planning.
public struct StateMetrics: Sendable, Equatable {
    /// Distinct stream keys that hold any state.
    public var keys: Int
    /// State entries over all states (a window's accumulator, a map entry, a list element…).
    public var entries: Int
    /// Registered timers (event and processing time).
    public var timers: Int

    /// Creates metrics.
    public init(keys: Int = 0, entries: Int = 0, timers: Int = 0) {
        self.keys = keys
        self.entries = entries
        self.timers = timers
    }
}
