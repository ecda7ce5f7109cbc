import Foundation
import JSON
import Yams

/// A mistake in config/jobs.yaml, naming the job and key (and for cron, the column).
public struct JobsFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var problem: String
    public var description: String { "\(file): \(key): \(problem)" }
}

/// config/jobs.yaml: the jobs declared in configuration, synced into `jobs` (source = config)
/// when `portrait schedule` starts.
///
///     jobs:
///       nightly_recompute:
///         kind: recompute
///         cron: "0 3 * * *"
///         time_zone: Europe/Berlin
///
/// Unknown keys and values of the wrong shape are errors naming the key.
public enum JobsFile {
    static let keys: Set<String> = [
        "kind", "cron", "time_zone", "params", "enabled", "missed_run_policy", "max_retries", "retry_backoff_ms", "timeout_ms",
    ]

    public static func load(path: String) throws -> [JobSpec] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw JobsFileError(file: path, key: "(file)", problem: "cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> [JobSpec] {
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch {
            throw JobsFileError(file: file, key: "(file)", problem: "not valid YAML: \(error)")
        }
        return try specs(document: document, file: file)
    }

    /// Reads a parsed YAML document (mappings as `[String: Any]`, sequences as `[Any]`).
    public static func specs(document: Any?, file: String) throws(JobsFileError) -> [JobSpec] {
        func fail(_ key: String, _ problem: String) -> JobsFileError { JobsFileError(file: file, key: key, problem: problem) }
        guard let document else { return [] }
        guard let root = document as? [String: Any] else { throw fail("(root)", "must be a mapping with the key jobs") }
        for key in root.keys.sorted() where key != "jobs" { throw fail(key, "unknown key; expected jobs") }
        guard let value = root["jobs"], !(value is NSNull) else { return [] }
        guard let jobs = value as? [String: Any] else { throw fail("jobs", "must map job names to {kind, cron, …}") }
        var specs: [JobSpec] = []
        for name in jobs.keys.sorted() {
            let key = "jobs.\(name)"
            guard let entry = jobs[name] as? [String: Any] else { throw fail(key, "must be a mapping with at least kind") }
            for field in entry.keys.sorted() where !keys.contains(field) {
                throw fail("\(key).\(field)", "unknown key; expected one of \(keys.sorted().joined(separator: ", "))")
            }
            guard let kindText = entry["kind"] as? String, let kind = JobKind(rawValue: kindText) else {
                throw fail("\(key).kind", "must be one of \(JobKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var spec = JobSpec(name: name, kind: kind, cron: nil)
            if let cron = entry["cron"] {
                guard let text = cron as? String else { throw fail("\(key).cron", "must be a string such as \"0 3 * * *\"") }
                do { spec.cron = try CronExpression(parsing: text) } catch { throw fail("\(key).cron", "\(error) in \"\(text)\"") }
            }
            if let zone = entry["time_zone"] {
                guard let text = zone as? String else { throw fail("\(key).time_zone", "must be an IANA time zone name") }
                spec.timeZoneName = text  // checked by validate() below
            }
            if let params = entry["params"] {
                guard let value = JSONValue(any: params), case .object = value else { throw fail("\(key).params", "must be a mapping") }
                spec.params = value
            }
            if let enabled = entry["enabled"] {
                guard let flag = enabled as? Bool else { throw fail("\(key).enabled", "must be true or false") }
                spec.enabled = flag
            }
            if let policy = entry["missed_run_policy"] {
                guard let text = policy as? String, let value = MissedRunPolicy(rawValue: text) else {
                    throw fail("\(key).missed_run_policy", "must be skip or catch_up_once")
                }
                spec.missedRunPolicy = value
            }
            if let value = entry["max_retries"] {
                guard let number = value as? Int else { throw fail("\(key).max_retries", "must be a whole number") }
                spec.maxRetries = number
            }
            if let value = entry["retry_backoff_ms"] {
                guard let number = value as? Int else { throw fail("\(key).retry_backoff_ms", "must be a whole number of milliseconds") }
                spec.retryBackoffMs = number
            }
            if let value = entry["timeout_ms"] {
                guard let number = value as? Int else { throw fail("\(key).timeout_ms", "must be a whole number of milliseconds") }
                spec.timeoutMs = number
            }
            do { try spec.validate() } catch { throw fail("\(key).\(error.field)", error.problem) }
            specs.append(spec)
        }
        return specs
    }
}
