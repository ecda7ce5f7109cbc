import Foundation
import MySQL

/// Jobs in MySQL (`jobs`): declared in config/jobs.yaml or created at run time. Calls block;
/// each takes a pooled connection of its own, so runs in progress and the scheduling loop
/// never share one.
public struct JobStore: Sendable {
    let pool: MySQLPool

    public init(pool: MySQLPool) {
        self.pool = pool
    }

    static let jobColumns = """
        id, name, kind, cron, time_zone, params, enabled, source, missed_run_policy, max_retries, retry_backoff_ms, timeout_ms,
        last_scheduled_for, created_at
        """

    /// Stores a new job; its first tick is the first after `now`.
    @discardableResult
    public func create(_ spec: JobSpec, source: JobSource = .runtime, now: Date) throws -> Job {
        try spec.validate()
        try pool.withConnection { db in
            do {
                try insert(spec, source: source, now: now, on: db)
            } catch MySQLError.duplicateKey {
                throw JobStoreError.alreadyExists(spec.name)
            }
        }
        return try existing(named: spec.name)
    }

    public func job(named name: String) throws -> Job? {
        try pool.withConnection { db in
            try db.query("SELECT \(Self.jobColumns) FROM jobs WHERE name = ?", [.string(name)]).first.map(Self.job(from:))
        }
    }

    public func existing(named name: String) throws -> Job {
        guard let job = try job(named: name) else { throw JobStoreError.notFound(name) }
        return job
    }

    /// Every job, by name.
    public func list() throws -> [Job] {
        try pool.withConnection { db in try db.query("SELECT \(Self.jobColumns) FROM jobs ORDER BY name").map(Self.job(from:)) }
    }

    public func setEnabled(_ enabled: Bool, named name: String) throws {
        try pool.withConnection { db in
            guard try db.query("SELECT id FROM jobs WHERE name = ?", [.string(name)]).first != nil else { throw JobStoreError.notFound(name) }
            try db.execute("UPDATE jobs SET enabled = ? WHERE name = ?", [.int(enabled ? 1 : 0), .string(name)])
        }
    }

    /// What syncing config/jobs.yaml changed.
    public struct SyncReport: Sendable, Equatable {
        public var created: [String] = []
        public var updated: [String] = []
        /// Config jobs no longer in the file: kept with their history, but disabled.
        public var disabled: [String] = []

        public init(created: [String] = [], updated: [String] = [], disabled: [String] = []) {
            self.created = created
            self.updated = updated
            self.disabled = disabled
        }
    }

    /// Makes the `source = config` jobs match `specs` (the file): new names are created,
    /// existing ones updated (their schedule position kept), missing ones disabled.
    @discardableResult
    public func syncConfig(_ specs: [JobSpec], now: Date) throws -> SyncReport {
        for spec in specs { try spec.validate() }
        return try pool.withConnection { db in
            try db.transaction { db in
                var report = SyncReport()
                let stored = try db.query("SELECT \(Self.jobColumns) FROM jobs FOR UPDATE").map(Self.job(from:))
                let byName = Dictionary(stored.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                for spec in specs {
                    guard let existing = byName[spec.name] else {
                        try insert(spec, source: .config, now: now, on: db)
                        report.created.append(spec.name)
                        continue
                    }
                    guard existing.source == .config else { throw JobStoreError.nameTakenByRuntimeJob(spec.name) }
                    if existing.spec != spec {
                        let columns = Self.columns(spec)
                        try db.execute(
                            "UPDATE jobs SET \(columns.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ?",
                            columns.map(\.1) + [.uint(existing.id)])
                        report.updated.append(spec.name)
                    }
                }
                let declared = Set(specs.map(\.name))
                for job in stored where job.source == .config && job.spec.enabled && !declared.contains(job.name) {
                    try db.execute("UPDATE jobs SET enabled = 0 WHERE id = ?", [.uint(job.id)])
                    report.disabled.append(job.name)
                }
                return report
            }
        }
    }

    private func insert(_ spec: JobSpec, source: JobSource, now: Date, on db: MySQLConnection) throws {
        let columns = Self.columns(spec) + [("source", .string(source.rawValue)), ("created_at", .utc(now))]
        try db.execute(
            "INSERT INTO jobs (\(columns.map(\.0).joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
            columns.map(\.1))
    }

    private static func columns(_ spec: JobSpec) -> [(String, MySQLValue)] {
        [
            ("name", .string(spec.name)), ("kind", .string(spec.kind.rawValue)), ("cron", spec.cron.map { .string($0.source) } ?? .null),
            ("time_zone", .string(spec.timeZoneName)), ("params", .json(spec.params)), ("enabled", .int(spec.enabled ? 1 : 0)),
            ("missed_run_policy", .string(spec.missedRunPolicy.rawValue)), ("max_retries", .integer(spec.maxRetries)),
            ("retry_backoff_ms", .integer(spec.retryBackoffMs)), ("timeout_ms", .integer(spec.timeoutMs)),
        ]
    }

    static func job(from row: MySQLRow) throws -> Job {
        let name = try row.decode(String.self, "name")
        func corrupt(_ problem: String) -> JobStoreError { .corrupt(job: name, problem: problem) }
        let kindText = try row.decode(String.self, "kind")
        guard let kind = JobKind(rawValue: kindText) else { throw corrupt("unknown kind '\(kindText)'") }
        var cron: CronExpression?
        if let text = try row.decode(String?.self, "cron") {
            do { cron = try CronExpression(parsing: text) } catch { throw corrupt("cron '\(text)' that does not parse (\(error))") }
        }
        let zoneName = try row.decode(String.self, "time_zone")
        guard TimeZone(identifier: zoneName) != nil else { throw corrupt("unknown time zone '\(zoneName)'") }
        let policyText = try row.decode(String.self, "missed_run_policy")
        guard let policy = MissedRunPolicy(rawValue: policyText) else { throw corrupt("unknown missed_run_policy '\(policyText)'") }
        let sourceText = try row.decode(String.self, "source")
        guard let source = JobSource(rawValue: sourceText) else { throw corrupt("unknown source '\(sourceText)'") }
        let spec = JobSpec(
            name: name, kind: kind, cron: cron, timeZone: zoneName, params: try row.json("params") ?? .object([:]),
            enabled: try row.decode(Bool.self, "enabled"), missedRunPolicy: policy, maxRetries: try row.decode(Int.self, "max_retries"),
            retryBackoffMs: try row.decode(Int.self, "retry_backoff_ms"), timeoutMs: try row.decode(Int?.self, "timeout_ms"))
        guard let createdAt = try row.date("created_at") else { throw corrupt("no created_at") }
        return Job(id: try row.decode(UInt64.self, "id"), spec: spec, source: source, lastScheduledFor: try row.date("last_scheduled_for"), createdAt: createdAt)
    }
}
