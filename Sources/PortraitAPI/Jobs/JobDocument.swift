import Foundation
import JSON
import PortraitScheduler

/// How jobs and runs look in the API: snake_case keys, UTC times in ISO 8601, `null` for
/// what is not set (every key is always present).
enum JobDocument {
    static func job(_ job: Job, now: Date) -> [String: JSONValue] {
        let spec = job.spec
        return [
            "name": .string(job.name), "kind": .string(job.kind.rawValue), "cron": spec.cron.map { .string($0.source) } ?? .null,
            "time_zone": .string(spec.timeZoneName), "enabled": .bool(spec.enabled), "source": .string(job.source.rawValue),
            "params": spec.params, "missed_run_policy": .string(spec.missedRunPolicy.rawValue),
            "max_retries": .integer(Int64(spec.maxRetries)), "retry_backoff_ms": .integer(Int64(spec.retryBackoffMs)),
            "timeout_ms": spec.timeoutMs.map { .integer(Int64($0)) } ?? .null,
            "last_scheduled_for": time(job.lastScheduledFor), "next_tick": time(job.nextTick(after: now)), "created_at": time(job.createdAt),
        ]
    }

    /// One run; for a `pending` run `started_at` is when it was requested.
    static func run(_ run: JobRun) -> JSONValue {
        .object([
            "id": .integer(Int64(run.id)), "job_name": .string(run.jobName), "kind": .string(run.kind.rawValue),
            "trigger": .string(run.trigger.rawValue), "scheduled_for": time(run.scheduledFor), "attempt": .integer(Int64(run.attempt)),
            "holder": run.holder.map(JSONValue.string) ?? .null, "status": .string(run.status.rawValue), "params": run.params,
            "started_at": time(run.startedAt), "heartbeat_at": time(run.heartbeatAt), "ended_at": time(run.endedAt),
            "rows": run.rows.map { .integer(Int64($0)) } ?? .null, "error": run.error.map(JSONValue.string) ?? .null,
            "definition_versions": run.definitionVersions ?? .null,
            "model_versions": run.modelVersions ?? .null, "result": run.result ?? .null,
            "cancel_requested": .bool(run.cancelRequested), "retry_at": time(run.retryAt),
        ])
    }

    /// `2025-06-01T04:00:00Z`, or `null`.
    static func time(_ date: Date?) -> JSONValue {
        date.map { .string($0.ISO8601Format()) } ?? .null
    }
}
