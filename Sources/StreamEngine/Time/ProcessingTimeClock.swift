import Foundation

/// The wall clock a task reads to advance processing time.
///
/// Tasks read it once per batch of records, never per event, so an implementation may be
/// as slow as `Date()`.
public protocol ProcessingTimeClock: Sendable {
    /// The current processing time in epoch milliseconds.
    func now() -> Int64
}

/// The system's real-time clock.
public struct SystemClock: ProcessingTimeClock {
    /// Creates the system clock.
    public init() {}

    /// The current time in epoch milliseconds.
    public func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
