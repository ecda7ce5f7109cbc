import Foundation
import Logging
import Synchronization

/// What a runner gets besides its job and run: a logger, the clock, what the run covers,
/// and a cancellation check to call between steps.
public struct JobContext: Sendable {
    public let logger: Logger
    public let clock: any SchedulerClock
    /// For a `catch_up` run: how many cron ticks it stands in for (1 for an ordinary run)
    /// and the first of them, so e.g. a backfill can cover the whole gap.
    public let coveredTicks: Int
    public let firstCoveredTick: Date?
    let stop: StopSignal
    let cancelRequested: @Sendable () async throws -> Bool

    /// Throws `JobStop` when the run must stop: a cancel was requested (`portrait jobs
    /// cancel`), the run timed out, or the lease was lost. Call it between steps.
    public func checkCancellation() async throws {
        if let reason = stop.reason { throw reason }
        if try await cancelRequested() {
            stop.raise(.cancelRequested)
            throw JobStop.cancelRequested
        }
        if Task.isCancelled { throw stop.reason ?? JobStop.cancelRequested }
    }
}

/// Why a run must stop, set by its supervisor (timeout, lost lease) or its cancellation check.
final class StopSignal: Sendable {
    private let value = Mutex<JobStop?>(nil)

    var reason: JobStop? { value.withLock { $0 } }

    /// Records the first reason; later ones do not replace it.
    func raise(_ reason: JobStop) {
        value.withLock { if $0 == nil { $0 = reason } }
    }
}
