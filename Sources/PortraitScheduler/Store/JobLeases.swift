import Foundation
import MySQL

/// A lease this process holds on a job. `token` grows by one on every acquisition, so a
/// holder whose lease was taken over can be told apart from the current one (fencing).
public struct HeldLease: Sendable, Equatable {
    public var jobName: String
    public var holder: String
    public var token: UInt64
    public var expiresAt: Date
}

/// A row of `job_leases`.
public struct LeaseRecord: Sendable, Equatable {
    public var jobName: String
    public var holder: String
    public var token: UInt64
    /// The run the holder was executing, if any.
    public var runId: UInt64?
    public var expiresAt: Date
}

/// The result of a successful `acquire`.
public struct LeaseAcquisition: Sendable, Equatable {
    public var lease: HeldLease
    /// The expired lease this one replaced, when it was taken over from another holder
    /// (whose run, if still `running`, the new holder must mark abandoned).
    public var takenOver: LeaseRecord?
}

/// At most one holder per job (`job_leases`), among any number of scheduler processes. A
/// lease lasts `duration` from its last renewal; one that has expired (its holder crashed or
/// hung) can be taken by anyone. Every time comes from the caller's clock, never `NOW()`.
public struct JobLeases: Sendable {
    let pool: MySQLPool

    public init(pool: MySQLPool) {
        self.pool = pool
    }

    /// Takes the lease on `jobName` if nobody holds it or its holder let it expire; `nil` if
    /// someone holds it still. A compare-and-set on the token makes racing acquirers safe.
    public func acquire(_ jobName: String, holder: String, now: Date, duration: TimeInterval) throws -> LeaseAcquisition? {
        let expires = now.addingTimeInterval(duration)
        return try pool.withConnection { db in
            guard let current = try Self.record(jobName, on: db) else {
                do {
                    try db.execute(
                        "INSERT INTO job_leases (job_name, holder, token, run_id, acquired_at, renewed_at, expires_at) VALUES (?, ?, 1, NULL, ?, ?, ?)",
                        [.string(jobName), .string(holder), .utc(now), .utc(now), .utc(expires)])
                } catch MySQLError.duplicateKey {
                    return nil  // another scheduler inserted it first
                }
                return LeaseAcquisition(lease: HeldLease(jobName: jobName, holder: holder, token: 1, expiresAt: expires), takenOver: nil)
            }
            guard current.expiresAt <= now else { return nil }
            let token = current.token + 1
            let updated = try db.execute("""
                UPDATE job_leases SET holder = ?, token = ?, run_id = NULL, acquired_at = ?, renewed_at = ?, expires_at = ?
                WHERE job_name = ? AND token = ? AND expires_at <= ?
                """, [.string(holder), .uint(token), .utc(now), .utc(now), .utc(expires), .string(jobName), .uint(current.token), .utc(now)])
            guard updated.affectedRows == 1 else { return nil }
            // A released lease (no run) is free for the taking; only one with a run was taken over.
            return LeaseAcquisition(lease: HeldLease(jobName: jobName, holder: holder, token: token, expiresAt: expires), takenOver: current.runId == nil ? nil : current)
        }
    }

    /// Extends the lease to `now + duration`; `nil` if it was taken over (the token moved on).
    public func renew(_ lease: HeldLease, now: Date, duration: TimeInterval) throws -> HeldLease? {
        let expires = now.addingTimeInterval(duration)
        return try pool.withConnection { db in
            try db.execute(
                "UPDATE job_leases SET renewed_at = ?, expires_at = ? WHERE job_name = ? AND holder = ? AND token = ?",
                [.utc(now), .utc(expires), .string(lease.jobName), .string(lease.holder), .uint(lease.token)])
            // MariaDB counts only changed rows, so a renewal at the same instant reports 0: read back.
            guard let current = try Self.record(lease.jobName, on: db), current.token == lease.token, current.holder == lease.holder else { return nil }
            var renewed = lease
            renewed.expiresAt = current.expiresAt
            return renewed
        }
    }

    /// Gives the lease up (it expires now, keeping its token so tokens never repeat).
    public func release(_ lease: HeldLease, now: Date) throws {
        try pool.withConnection { db in try Self.release(lease, now: now, on: db) }
    }

    public func current(_ jobName: String) throws -> LeaseRecord? {
        try pool.withConnection { db in try Self.record(jobName, on: db) }
    }

    static func release(_ lease: HeldLease, now: Date, on db: MySQLConnection) throws {
        try db.execute(
            "UPDATE job_leases SET expires_at = ?, run_id = NULL WHERE job_name = ? AND token = ?",
            [.utc(now), .string(lease.jobName), .uint(lease.token)])
    }

    static func record(_ jobName: String, lock: Bool = false, on db: MySQLConnection) throws -> LeaseRecord? {
        guard let row = try db.query(
            "SELECT job_name, holder, token, run_id, expires_at FROM job_leases WHERE job_name = ?\(lock ? " FOR UPDATE" : "")", [.string(jobName)]).first
        else { return nil }
        return LeaseRecord(
            jobName: try row.decode(String.self, "job_name"), holder: try row.decode(String.self, "holder"),
            token: try row.decode(UInt64.self, "token"), runId: try row.decode(UInt64?.self, "run_id"),
            expiresAt: try row.date("expires_at") ?? .distantPast)
    }
}

/// The lease was taken over by another holder: this holder must not record anything more.
public struct LeaseLostError: Error, Sendable, Equatable, CustomStringConvertible {
    public var jobName: String
    public var token: UInt64
    public var description: String { "lease on job \(jobName) (token \(token)) was taken over by another holder; the result is discarded" }
}
