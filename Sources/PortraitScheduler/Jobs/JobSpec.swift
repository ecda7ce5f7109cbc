import Foundation
import JSON
import PortraitCore

/// A job as declared, before it is stored: validated on creation so a bad cron expression or
/// time zone never reaches the `jobs` table.
public struct JobSpec: Sendable, Equatable {
    public var name: String
    public var kind: JobKind
    /// `nil` for a job that only runs when triggered (`portrait jobs run`).
    public var cron: CronExpression?
    /// The IANA name the cron fields are read in, kept as written (Foundation calls UTC "GMT").
    public var timeZoneName: String
    public var params: JSONValue
    public var enabled: Bool
    public var missedRunPolicy: MissedRunPolicy
    /// Retries after the first attempt fails; 0 means a failure is final.
    public var maxRetries: Int
    /// The wait before the first retry; it doubles for each further one.
    public var retryBackoffMs: Int
    public var timeoutMs: Int?

    public init(
        name: String, kind: JobKind, cron: CronExpression?, timeZone: String = "UTC",
        params: JSONValue = .object([:]), enabled: Bool = true, missedRunPolicy: MissedRunPolicy = .skip,
        maxRetries: Int = 3, retryBackoffMs: Int = 30_000, timeoutMs: Int? = nil
    ) {
        self.name = name
        self.kind = kind
        self.cron = cron
        self.timeZoneName = timeZone
        self.params = params
        self.enabled = enabled
        self.missedRunPolicy = missedRunPolicy
        self.maxRetries = maxRetries
        self.retryBackoffMs = retryBackoffMs
        self.timeoutMs = timeoutMs
    }

    /// A problem with a field other than the cron expression (which reports its own column).
    public func validate() throws(JobSpecError) {
        guard Identifier.isValid(name) else { throw JobSpecError(field: "name", problem: Identifier.problem(with: name)) }
        _ = try Self.timeZone(named: timeZoneName)
        guard case .object = params else { throw JobSpecError(field: "params", problem: "must be a JSON object") }
        guard (0...100).contains(maxRetries) else { throw JobSpecError(field: "max_retries", problem: "must be between 0 and 100") }
        guard (0...86_400_000).contains(retryBackoffMs) else { throw JobSpecError(field: "retry_backoff_ms", problem: "must be between 0 and 86400000 (a day)") }
        if let timeoutMs, timeoutMs <= 0 { throw JobSpecError(field: "timeout_ms", problem: "must be positive") }
    }

    public var timeZone: TimeZone { TimeZone(identifier: timeZoneName) ?? TimeZone(secondsFromGMT: 0)! }

    /// A time zone by its IANA name (`Europe/Berlin`), or an error naming the field.
    public static func timeZone(named name: String) throws(JobSpecError) -> TimeZone {
        guard let zone = TimeZone(identifier: name) else {
            throw JobSpecError(field: "time_zone", problem: "unknown time zone '\(name)'; use an IANA name such as UTC or Europe/Berlin")
        }
        return zone
    }
}

/// A job field with a bad value.
public struct JobSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var problem: String
    public var description: String { "\(field): \(problem)" }

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}
