import Foundation
import JSON
import MySQL

/// What a finished attempt recorded.
public struct RunCompletion: Sendable, Equatable {
    public var status: RunStatus
    public var rows: Int?
    public var error: String?
    public var definitionVersions: JSONValue?
    public var modelVersions: JSONValue?
    public var result: JSONValue?
    /// When the next attempt is due, `nil` for none.
    public var retryAt: Date?

    public init(status: RunStatus, rows: Int? = nil, error: String? = nil, definitionVersions: JSONValue? = nil,
                modelVersions: JSONValue? = nil, result: JSONValue? = nil, retryAt: Date? = nil) {
        self.status = status
        self.rows = rows
        self.error = error
        self.definitionVersions = definitionVersions
        self.modelVersions = modelVersions
        self.result = result
        self.retryAt = retryAt
    }
}

/// Runs (`job_runs`): one row per attempt, written as the scheduler starts and finishes it.
/// Starting and finishing check the lease token in the same transaction, so a holder whose
/// lease was taken over cannot record anything.
extension JobStore {
    static let runColumns = """
        id, job_name, kind, trigger_kind, scheduled_for, attempt, holder, status, params, started_at, heartbeat_at, ended_at,
        rows_processed, error, definition_versions, model_versions, result, cancel_requested, retry_at
        """

    /// Records attempt 1 of cron tick `scheduledFor` as running and moves the job's schedule
    /// to it; `nil` if that tick was already recorded (another scheduler ran it).
    public func startTick(_ job: Job, trigger: RunTrigger, scheduledFor: Date, lease: HeldLease, now: Date) throws -> JobRun? {
        try fenced(lease) { db in
            try db.execute(
                "UPDATE jobs SET last_scheduled_for = ? WHERE id = ? AND (last_scheduled_for IS NULL OR last_scheduled_for < ?)",
                [.utc(scheduledFor), .uint(job.id), .utc(scheduledFor)])
            return try insertRunning(job.name, kind: job.kind, trigger: trigger, scheduledFor: scheduledFor, attempt: 1, params: job.spec.params, lease: lease, now: now, on: db)
        }
    }

    /// Records the next attempt after `previous` (same tick, attempt + 1) as running, and
    /// clears `previous.retry_at` so it is retried once; `nil` if that attempt exists already.
    public func startRetry(of previous: JobRun, lease: HeldLease, now: Date) throws -> JobRun? {
        try fenced(lease) { db in
            try db.execute("UPDATE job_runs SET retry_at = NULL WHERE id = ?", [.uint(previous.id)])
            return try insertRunning(
                previous.jobName, kind: previous.kind, trigger: .retry, scheduledFor: previous.scheduledFor, attempt: previous.attempt + 1,
                params: previous.params, lease: lease, now: now, on: db)
        }
    }

    /// Queues a manual run (`portrait jobs run`) for the next scheduler tick, with the job's
    /// params or, for this run only, `params` (a backfill names its metrics).
    public func requestRun(of jobName: String, now: Date, params: JSONValue? = nil, trigger: RunTrigger = .manual) throws -> JobRun {
        let job = try existing(named: jobName)
        let id = try pool.withConnection { db in
            try db.execute(
                "INSERT INTO job_runs (job_name, kind, trigger_kind, status, params, started_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                [.string(job.name), .string(job.kind.rawValue), .string(trigger.rawValue), .json(params ?? job.spec.params), .utc(now)]).lastInsertId
        }
        guard let run = try run(id: id) else { throw JobStoreError.notFound(jobName) }
        return run
    }

    /// Moves a pending manual run to running under `lease`; `nil` if it is no longer pending.
    public func startPending(_ runId: UInt64, lease: HeldLease, now: Date) throws -> JobRun? {
        try fenced(lease) { db in
            let updated = try db.execute(
                "UPDATE job_runs SET status = 'running', holder = ?, started_at = ?, heartbeat_at = ? WHERE id = ? AND status = 'pending'",
                [.string(lease.holder), .utc(now), .utc(now), .uint(runId)])
            guard updated.affectedRows == 1 else { return nil }
            try db.execute("UPDATE job_leases SET run_id = ? WHERE job_name = ?", [.uint(runId), .string(lease.jobName)])
            return try Self.run(id: runId, on: db)
        }
    }

    /// Records how `run` ended and releases the lease — only if `lease` is still the current
    /// one; otherwise throws `LeaseLostError` and changes nothing.
    public func finish(_ run: JobRun, with completion: RunCompletion, lease: HeldLease, now: Date) throws {
        try fenced(lease) { db in
            try db.execute("""
                UPDATE job_runs SET status = ?, ended_at = ?, heartbeat_at = ?, rows_processed = ?, error = ?, definition_versions = ?,
                    model_versions = ?, result = ?, retry_at = ?
                WHERE id = ? AND status = 'running'
                """, [
                    .string(completion.status.rawValue), .utc(now), .utc(now), .integer(completion.rows), completion.error.map(MySQLValue.string) ?? .null,
                    .json(completion.definitionVersions), .json(completion.modelVersions), .json(completion.result), .utc(completion.retryAt),
                    .uint(run.id),
                ])
            try JobLeases.release(lease, now: now, on: db)
        }
    }

    /// Marks a run whose holder's lease expired as abandoned (if it is still running).
    public func abandon(runId: UInt64, reason: String, retryAt: Date?, now: Date) throws {
        try pool.withConnection { db in
            _ = try db.execute(
                "UPDATE job_runs SET status = 'abandoned', ended_at = ?, error = ?, retry_at = ? WHERE id = ? AND status = 'running'",
                [.utc(now), .string(reason), .utc(retryAt), .uint(runId)])
        }
    }

    /// Records the holder is alive and working on `runId`.
    public func heartbeat(runId: UInt64, now: Date) throws {
        _ = try pool.withConnection { db in try db.execute("UPDATE job_runs SET heartbeat_at = ? WHERE id = ?", [.utc(now), .uint(runId)]) }
    }

    /// Asks the job's active runs to stop: pending ones are cancelled at once, running ones
    /// are flagged and stop at their next cancellation check. Returns how many were affected.
    @discardableResult
    public func requestCancel(of jobName: String, now: Date) throws -> Int {
        _ = try existing(named: jobName)
        return try pool.withConnection { db in
            let pending = try db.execute(
                "UPDATE job_runs SET status = 'cancelled', ended_at = ?, error = 'cancelled before it started' WHERE job_name = ? AND status = 'pending'",
                [.utc(now), .string(jobName)])
            let running = try db.execute(
                "UPDATE job_runs SET cancel_requested = 1 WHERE job_name = ? AND status = 'running' AND cancel_requested = 0", [.string(jobName)])
            // A failed run waiting for its retry is not retried after a cancel.
            let retries = try db.execute("UPDATE job_runs SET retry_at = NULL WHERE job_name = ? AND retry_at IS NOT NULL", [.string(jobName)])
            return Int(pending.affectedRows + running.affectedRows + retries.affectedRows)
        }
    }

    public func isCancelRequested(runId: UInt64) throws -> Bool {
        try pool.withConnection { db in
            try db.query("SELECT cancel_requested FROM job_runs WHERE id = ?", [.uint(runId)]).first?.decode(Bool.self, "cancel_requested") ?? false
        }
    }

    public func run(id: UInt64) throws -> JobRun? {
        try pool.withConnection { db in try Self.run(id: id, on: db) }
    }

    /// The job's runs, newest first; with `before`, only runs older than that run id (the
    /// next page after a page ending with it).
    public func history(of jobName: String, limit: Int = 50, before: UInt64? = nil) throws -> [JobRun] {
        try pool.withConnection { db in
            try db.query(
                "SELECT \(Self.runColumns) FROM job_runs WHERE job_name = ? AND id < ? ORDER BY id DESC LIMIT ?",
                [.string(jobName), .uint(before ?? UInt64(Int64.max)), .int(Int64(limit))]
            ).map(Self.run(from:))
        }
    }

    /// The newest run that is not a pending request, and the oldest pending request.
    func latestRuns(of jobName: String) throws -> (latest: JobRun?, pending: JobRun?) {
        try pool.withConnection { db in
            let latest = try db.query(
                "SELECT \(Self.runColumns) FROM job_runs WHERE job_name = ? AND status <> 'pending' ORDER BY id DESC LIMIT 1", [.string(jobName)])
            let pending = try db.query(
                "SELECT \(Self.runColumns) FROM job_runs WHERE job_name = ? AND status = 'pending' ORDER BY id LIMIT 1", [.string(jobName)])
            return (try latest.first.map(Self.run(from:)), try pending.first.map(Self.run(from:)))
        }
    }

    /// Runs `body` in a transaction after checking, with the lease row locked, that `lease`
    /// is still current; throws `LeaseLostError` otherwise.
    private func fenced<R>(_ lease: HeldLease, _ body: (MySQLConnection) throws -> R) throws -> R {
        try pool.withConnection { db in
            try db.transaction { db in
                guard let current = try JobLeases.record(lease.jobName, lock: true, on: db), current.token == lease.token, current.holder == lease.holder else {
                    throw LeaseLostError(jobName: lease.jobName, token: lease.token)
                }
                return try body(db)
            }
        }
    }

    private func insertRunning(
        _ jobName: String, kind: JobKind, trigger: RunTrigger, scheduledFor: Date?, attempt: Int, params: JSONValue,
        lease: HeldLease, now: Date, on db: MySQLConnection
    ) throws -> JobRun? {
        let id: UInt64
        do {
            id = try db.execute("""
                INSERT INTO job_runs (job_name, kind, trigger_kind, scheduled_for, attempt, holder, status, params, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                """, [
                    .string(jobName), .string(kind.rawValue), .string(trigger.rawValue), .utc(scheduledFor), .integer(attempt), .string(lease.holder),
                    .json(params), .utc(now), .utc(now),
                ]).lastInsertId
        } catch MySQLError.duplicateKey {
            return nil
        }
        try db.execute("UPDATE job_leases SET run_id = ? WHERE job_name = ?", [.uint(id), .string(jobName)])
        return try Self.run(id: id, on: db)
    }

    static func run(id: UInt64, on db: MySQLConnection) throws -> JobRun? {
        try db.query("SELECT \(runColumns) FROM job_runs WHERE id = ?", [.uint(id)]).first.map(run(from:))
    }

    static func run(from row: MySQLRow) throws -> JobRun {
        let id = try row.decode(UInt64.self, "id")
        func enumValue<E: RawRepresentable>(_ type: E.Type, _ column: String) throws -> E where E.RawValue == String {
            let text = try row.decode(String.self, column)
            guard let value = E(rawValue: text) else { throw JobStoreError.corrupt(job: "run \(id)", problem: "\(column) '\(text)'") }
            return value
        }
        return JobRun(
            id: id, jobName: try row.decode(String.self, "job_name"), kind: try enumValue(JobKind.self, "kind"),
            trigger: try enumValue(RunTrigger.self, "trigger_kind"), scheduledFor: try row.date("scheduled_for"),
            attempt: try row.decode(Int.self, "attempt"), holder: try row.decode(String?.self, "holder"),
            status: try enumValue(RunStatus.self, "status"), params: try row.json("params") ?? .object([:]),
            startedAt: try row.date("started_at") ?? .distantPast, heartbeatAt: try row.date("heartbeat_at"), endedAt: try row.date("ended_at"),
            rows: try row.decode(Int?.self, "rows_processed"), error: try row.decode(String?.self, "error"),
            definitionVersions: try row.json("definition_versions"), modelVersions: try row.json("model_versions"),
            result: try row.json("result"), cancelRequested: try row.decode(Bool.self, "cancel_requested"), retryAt: try row.date("retry_at"))
    }
}
