import ArgumentParser
import Foundation
import Logging
import MySQL
import PortraitScheduler

/// `portrait schedule`: the long-running job scheduler.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run jobs on their cron schedules, manual requests and retries until SIGTERM.",
        discussion: """
            Syncs the jobs of config/jobs.yaml into MySQL, then ticks: due cron ticks (with each job's missed-run \
            policy), runs queued by `portrait jobs run`, retries with backoff, and runs abandoned by a crashed \
            scheduler. Any number of schedulers may run against one database; a lease per job lets only one run \
            it at a time. SIGTERM or SIGINT stop it; runs in progress are recorded as abandoned and retried by \
            another scheduler. See docs/SCHEDULER.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "This scheduler's name in leases and runs; unique per process (default: host:pid).")
    var holder: String?

    @Option(help: "Seconds between looks for due work.")
    var tickSeconds: Double = 15

    @Option(help: "Seconds a job's lease lasts without renewal: a crashed scheduler's jobs are taken over after this.")
    var leaseSeconds: Double = 60

    @Option(help: "Jobs declared in configuration, synced at start (a missing default file declares none).")
    var jobs: String?

    func validate() throws {
        guard tickSeconds >= 0.1 else { throw ValidationError("--tick-seconds must be at least 0.1") }
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
    }

    func run() async throws {
        let configuration = try global.bootstrap()
        let logger = Logger(label: "portrait.schedule")
        let path = jobs ?? "config/jobs.yaml"
        let specs: [JobSpec]
        do {
            specs = jobs == nil && !FileManager.default.fileExists(atPath: path) ? [] : try JobsFile.load(path: path)
        } catch {
            throw CleanExit.message("error: \(error)", code: 78)  // EX_CONFIG
        }
        var options = SchedulerOptions(holder: holder ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
        options.tickInterval = tickSeconds
        options.leaseDuration = leaseSeconds
        options.renewInterval = leaseSeconds / 3
        let pool = MySQLPool(configuration: configuration.mysql, size: max(2, configuration.mysqlPoolSize))
        let store = JobStore(pool: pool)
        do {
            let report = try store.syncConfig(specs, now: Date())
            logger.info("jobs synced from \(path)", metadata: [
                "created": "\(report.created)", "updated": "\(report.updated)", "disabled": "\(report.disabled)",
            ])
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
        let scheduler = Scheduler(
            store: store, leases: JobLeases(pool: pool), runners: JobRunnerRegistry.runners(for: configuration), clock: SystemClock(),
            options: options, logger: logger)
        let loop = Task { await scheduler.run() }
        let signals = onTerminationSignals { loop.cancel() }
        defer { signals.forEach { $0.cancel() } }
        await loop.value
    }
}
