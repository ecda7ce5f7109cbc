import Foundation

/// How one scheduler process behaves.
public struct SchedulerOptions: Sendable {
    /// This process's name in leases and runs (default `host:pid`); must differ between processes.
    public var holder: String
    /// How long a lease lasts without renewal: a crashed holder's jobs are taken over this long
    /// after its last renewal.
    public var leaseDuration: TimeInterval = 60
    /// How often a running job's lease is renewed (and its heartbeat, cancel flag and timeout checked).
    public var renewInterval: TimeInterval = 20
    /// How often the loop looks for due work.
    public var tickInterval: TimeInterval = 15
    /// The longest wait between retries, however many attempts failed.
    public var maxBackoff: TimeInterval = 6 * 3600

    public init(holder: String) {
        self.holder = holder
    }
}
