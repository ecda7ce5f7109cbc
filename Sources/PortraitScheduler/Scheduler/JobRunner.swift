import Foundation
import JSON
import Logging

/// What a successful run reports; all of it is recorded on the run's row.
public struct JobOutcome: Sendable, Equatable {
    public var rows: Int?
    public var result: JSONValue?
    /// The definition versions the run used, e.g. `{"metrics": {"purchases_7d": 3}, "tags": {"vip": 5}}`.
    public var definitionVersions: JSONValue?
    /// The model versions the run used, e.g. `{"rfm": 2}`.
    public var modelVersions: JSONValue?

    public init(rows: Int? = nil, result: JSONValue? = nil, definitionVersions: JSONValue? = nil, modelVersions: JSONValue? = nil) {
        self.rows = rows
        self.result = result
        self.definitionVersions = definitionVersions
        self.modelVersions = modelVersions
    }
}

/// The code behind one job kind (recompute, backfill, retrain, …). A runner reports failure
/// by throwing; the error's description is recorded and the run retried per the job's policy.
public protocol JobRunner: Sendable {
    func run(job: Job, run: JobRun, context: JobContext) async throws -> JobOutcome
}

/// Runners by kind. A kind with none plugged in fails its runs with `JobRunnerError.notPlugged`.
public struct JobRunners: Sendable {
    private var byKind: [JobKind: any JobRunner] = [:]

    public init(_ runners: [JobKind: any JobRunner] = [:]) {
        byKind = runners
    }

    public mutating func register(_ runner: any JobRunner, for kind: JobKind) {
        byKind[kind] = runner
    }

    public func runner(for kind: JobKind) -> (any JobRunner)? { byKind[kind] }
}

/// Failures the scheduler itself reports for a run.
public enum JobRunnerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// This build has no runner for the job's kind. Not retried: retrying cannot help.
    case notPlugged(JobKind)
    /// The run exceeded the job's `timeout_ms`.
    case timedOut(ms: Int)

    public var description: String {
        switch self {
        case .notPlugged(let kind): "no runner for job kind '\(kind.rawValue)' in this build of portrait schedule"
        case .timedOut(let ms): "timed out after \(ms) ms"
        }
    }
}

/// Thrown by `JobContext.checkCancellation()` when the run must stop.
public enum JobStop: Error, Sendable, Equatable, CustomStringConvertible {
    /// `portrait jobs cancel` asked for it.
    case cancelRequested
    case timedOut(ms: Int)
    /// Another holder took the lease: nothing this run does will be recorded.
    case leaseLost

    public var description: String {
        switch self {
        case .cancelRequested: "cancelled on request"
        case .timedOut(let ms): "timed out after \(ms) ms"
        case .leaseLost: "lease lost to another holder"
        }
    }
}
