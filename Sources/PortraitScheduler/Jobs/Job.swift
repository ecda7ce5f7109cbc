import Foundation

/// A stored job: its declaration plus what the scheduler keeps about it.
public struct Job: Sendable, Equatable {
    public var id: UInt64
    public var spec: JobSpec
    public var source: JobSource
    /// The latest cron tick a run was recorded for (or deliberately skipped).
    public var lastScheduledFor: Date?
    /// When the job was stored; the first tick looked for is the first after this.
    public var createdAt: Date

    public var name: String { spec.name }
    public var kind: JobKind { spec.kind }
}

extension Job {
    /// The next cron tick a scheduler would run after `now`, or `nil` for a disabled or
    /// manual-only job (or a cron that never fires); what `jobs list` and the API show.
    public func nextTick(after now: Date) -> Date? {
        guard spec.enabled, let cron = spec.cron else { return nil }
        return cron.next(after: max(now, lastScheduledFor ?? createdAt), in: spec.timeZone)
    }
}
