import Foundation
import JSON

/// The state of one attempt (`job_runs.status`).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Requested with `portrait jobs run`, waiting for a scheduler.
    case pending
    case running, succeeded, failed, cancelled
    /// Its holder stopped renewing the lease (crashed or hung); another holder took over.
    case abandoned

    public var isFinished: Bool { ![.pending, .running].contains(self) }
}

/// Why a run exists (`job_runs.trigger_kind`).
public enum RunTrigger: String, Sendable, Codable, CaseIterable {
    case schedule, manual
    /// One run standing in for the ticks missed while no scheduler ran (`catch_up_once`).
    case catchUp = "catch_up"
    /// The next attempt after a failed or abandoned one.
    case retry
    case activation
}

/// One attempt of a job, as recorded in `job_runs`.
public struct JobRun: Sendable, Equatable {
    public var id: UInt64
    public var jobName: String
    public var kind: JobKind
    public var trigger: RunTrigger
    /// The cron tick it serves; `nil` for manual runs (and their retries).
    public var scheduledFor: Date?
    /// 1 for the first attempt at a tick, 2 for its first retry, …
    public var attempt: Int
    public var holder: String?
    public var status: RunStatus
    public var params: JSONValue
    public var startedAt: Date
    public var heartbeatAt: Date?
    public var endedAt: Date?
    public var rows: Int?
    public var error: String?
    public var definitionVersions: JSONValue?
    public var modelVersions: JSONValue?
    public var result: JSONValue?
    public var cancelRequested: Bool
    /// When the next attempt is due; `nil` when there is none (success, cancel, retries used up).
    public var retryAt: Date?
}
