/// Which clock a timer belongs to.
public enum TimeDomain: Sendable, Hashable {
    /// Driven by watermarks, i.e. by the timestamps carried in the data.
    case eventTime
    /// Driven by the task's wall clock (``ProcessingTimeClock``).
    case processingTime
}
