import ArgumentParser
import Foundation
import PortraitScheduler

struct JobsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs with their schedule and next tick.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try jobStore(global)
        try reportingJobErrors {
            for job in try store.list() {
                print([job.name, job.kind.rawValue, JobText.schedule(job), job.spec.enabled ? "enabled" : "disabled", job.source.rawValue,
                       "next \(JobText.nextTick(job))"].joined(separator: "\t"))
            }
        }
    }
}

struct JobsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a job's settings and its latest run.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job's name.") var name: String

    func run() throws {
        let store = try jobStore(global)
        try reportingJobErrors {
            let job = try store.existing(named: name)
            let lines: [(String, String)] = [
                ("name", job.name), ("kind", job.kind.rawValue), ("schedule", JobText.schedule(job)),
                ("enabled", "\(job.spec.enabled)"), ("source", job.source.rawValue), ("params", job.spec.params.description),
                ("missed_run_policy", job.spec.missedRunPolicy.rawValue), ("max_retries", "\(job.spec.maxRetries)"),
                ("retry_backoff_ms", "\(job.spec.retryBackoffMs)"), ("timeout_ms", job.spec.timeoutMs.map(String.init) ?? "-"),
                ("last_scheduled_for", JobText.time(job.lastScheduledFor)), ("next_tick", JobText.nextTick(job)),
                ("latest_run", try store.history(of: name, limit: 1).first.map(JobText.run) ?? "-"),
            ]
            for (key, value) in lines { print("\(key):\t\(value)") }
        }
    }
}

struct JobsHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "A job's runs, newest first: trigger, attempt, status, times, rows, holder, error.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job's name.") var name: String
    @Option(help: "How many runs.") var limit = 20
    @Flag(help: "Also print the definition and model versions and the result of each run.") var versions = false

    func run() throws {
        let store = try jobStore(global)
        try reportingJobErrors {
            _ = try store.existing(named: name)
            for run in try store.history(of: name, limit: limit) {
                print(JobText.run(run))
                if versions {
                    print("\tdefinitions \(run.definitionVersions?.description ?? "-")\tmodels \(run.modelVersions?.description ?? "-")\tresult \(run.result?.description ?? "-")")
                }
            }
        }
    }
}
