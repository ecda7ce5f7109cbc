import ArgumentParser
import Foundation
import PortraitScheduler

struct JobsRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Queue a manual run; the next tick of any `portrait schedule` starts it.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job's name.") var name: String

    func run() throws {
        let store = try jobStore(global)
        try reportingJobErrors {
            let run = try store.requestRun(of: name, now: Date())
            print("queued run #\(run.id) of \(name); follow it with `portrait jobs history \(name)`")
        }
    }
}

struct JobsCancel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job's queued runs and pending retries, and ask its running run to stop at its next check.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The job's name.") var name: String

    func run() throws {
        let store = try jobStore(global)
        try reportingJobErrors {
            let count = try store.requestCancel(of: name, now: Date())
            print(count == 0 ? "nothing to cancel for \(name)" : "cancel requested for \(count) run(s) of \(name)")
        }
    }
}
