import ArgumentParser
import Foundation
import JSON
import PortraitScheduler

struct JobsCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a job at run time (jobs of config/jobs.yaml are synced by `portrait schedule`).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job's name: lowercase letters, digits and '_', starting with a letter.") var name: String
    @Option(help: "recompute, backfill, retrain, segment_sizes or custom.") var kind: JobKind
    @Option(help: "Five cron fields (minute hour day-of-month month day-of-week) or @hourly, @daily…; omit for manual runs only.")
    var cron: String?
    @Option(help: "IANA time zone the cron fields are read in.") var timeZone = "UTC"
    @Option(help: "JSON object handed to the job's runner.") var params = "{}"
    @Option(help: "After downtime: skip (run the latest missed tick only) or catch_up_once.") var missedRunPolicy: MissedRunPolicy = .skip
    @Option(help: "Retries after a failed attempt.") var maxRetries = 3
    @Option(help: "Milliseconds before the first retry, doubled for each further one.") var retryBackoffMs = 30_000
    @Option(help: "Stop and fail a run taking longer than this many milliseconds.") var timeoutMs: Int?
    @Flag(help: "Create it disabled.") var disabled = false

    /// The job as given, or a one-line error naming the option (and the cron column).
    func spec() throws -> JobSpec {
        var expression: CronExpression?
        if let cron {
            do { expression = try CronExpression(parsing: cron) } catch { throw ValidationError(JobText.cronError(error, in: cron)) }
        }
        guard let parsed = try? JSONValue(parsing: params), case .object = parsed else { throw ValidationError("--params must be a JSON object") }
        let spec = JobSpec(
            name: name, kind: kind, cron: expression, timeZone: timeZone, params: parsed, enabled: !disabled, missedRunPolicy: missedRunPolicy,
            maxRetries: maxRetries, retryBackoffMs: retryBackoffMs, timeoutMs: timeoutMs)
        do { try spec.validate() } catch { throw ValidationError("--\(error.field.replacingOccurrences(of: "_", with: "-")): \(error.problem)") }
        return spec
    }

    func validate() throws {
        _ = try spec()
    }

    func run() throws {
        let spec = try spec()
        let store = try jobStore(global)
        try reportingJobErrors {
            let job = try store.create(spec, now: Date())
            print("created job \(job.name) (\(job.kind.rawValue), \(JobText.schedule(job))); next tick \(JobText.nextTick(job))")
        }
    }
}
