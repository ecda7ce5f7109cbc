import ArgumentParser
import Foundation
import MySQL
import PortraitScheduler

/// `portrait jobs`: jobs and their runs, as `portrait schedule` sees them.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Create, list, run and cancel scheduled jobs; show their run history.",
        subcommands: [JobsCreate.self, JobsList.self, JobsShow.self, JobsRun.self, JobsHistory.self, JobsCancel.self])
}

extension JobKind: ExpressibleByArgument {}
extension MissedRunPolicy: ExpressibleByArgument {}

/// Opens the job store from the global options, turning failures into one line.
func jobStore(_ global: GlobalOptions) throws -> JobStore {
    let configuration = try global.bootstrap()
    return JobStore(pool: MySQLPool(configuration: configuration.mysql, size: 1))
}

/// Runs `body`, turning the store's errors into one line and a status.
func reportingJobErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as JobStoreError {
        throw CleanExit.message("error: \(error)", code: 1)
    } catch let error as JobSpecError {
        throw CleanExit.message("error: \(error)", code: 1)
    } catch let error as MySQLError {
        throw CleanExit.message("error: \(error)", code: 1)
    }
}

/// How job commands print times: UTC, to the second.
enum JobText {
    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// `column 3: hour 25 is out of range 0-23`, then the expression with a caret under the column.
    static func cronError(_ error: CronError, in text: String) -> String {
        "--cron: \(error)\n  \(text)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^"
    }

    static func schedule(_ job: Job) -> String {
        job.spec.cron.map { "\($0.source) (\(job.spec.timeZoneName))" } ?? "manual only"
    }

    static func nextTick(_ job: Job, after now: Date = Date()) -> String {
        time(job.nextTick(after: now))
    }

    static func run(_ run: JobRun) -> String {
        var fields = [
            "#\(run.id)", run.trigger.rawValue, "attempt \(run.attempt)", run.status.rawValue,
            "tick \(time(run.scheduledFor))", "\(run.status == .pending ? "requested" : "started") \(time(run.startedAt))", "ended \(time(run.endedAt))",
            "rows \(run.rows.map(String.init) ?? "-")", "holder \(run.holder ?? "-")",
        ]
        if let retryAt = run.retryAt { fields.append("retry at \(time(retryAt))") }
        if run.cancelRequested && !run.status.isFinished { fields.append("cancel requested") }
        if let error = run.error { fields.append("error: \(error)") }
        return fields.joined(separator: "\t")
    }
}
