import Foundation

/// Where the scheduler gets the time and how it waits. Every time the scheduler writes to
/// MySQL comes from its clock (never `NOW()`), so a manual clock drives it completely in tests.
public protocol SchedulerClock: Sendable {
    func now() -> Date
    /// Returns once the clock reads `deadline` or later; throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

/// The wall clock.
public struct SystemClock: SchedulerClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}
