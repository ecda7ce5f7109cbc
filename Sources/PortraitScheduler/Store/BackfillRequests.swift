import Foundation
import JSON

/// Gives a metric that became active (or changed meaning) its past: queues a run of the
/// enabled job of kind `backfill` (config/jobs.yaml ships one, run on demand only) for it.
/// The CLI and the API call this after storing such a definition.
public struct BackfillRequests: Sendable {
    private let store: JobStore

    public init(store: JobStore) {
        self.store = store
    }

    /// The queued run, with the job's params (scratch database, mapping, timing) and the
    /// metrics; `nil` when no backfill job is enabled (the metric then starts from the inputs
    /// processors read next, and `portrait recompute` gives it its past).
    public func request(metrics: [String], now: Date = Date()) throws -> JobRun? {
        guard !metrics.isEmpty else { return nil }
        guard let job = try store.list().first(where: { $0.kind == .backfill && $0.spec.enabled }) else { return nil }
        var params: [String: JSONValue] = [:]
        if case .object(let configured) = job.spec.params { params = configured }
        params["metrics"] = .array(metrics.map(JSONValue.string))
        return try store.requestRun(of: job.name, now: now, params: .object(params), trigger: .activation)
    }
}
