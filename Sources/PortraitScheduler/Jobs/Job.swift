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
