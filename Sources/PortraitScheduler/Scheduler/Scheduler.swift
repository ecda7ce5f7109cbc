import Foundation
import Logging

/// Runs jobs when they are due: cron ticks (with the missed-run policy), manual requests,
/// retries with backoff, and runs abandoned by a crashed holder. Any number of schedulers may
/// share one database; the job lease lets only one of them work on a job at a time.
public final class Scheduler: Sendable {
    public let store: JobStore
    public let leases: JobLeases
    public let runners: JobRunners
    public let clock: any SchedulerClock
    public let options: SchedulerOptions
    let logger: Logger

    public init(store: JobStore, leases: JobLeases, runners: JobRunners, clock: any SchedulerClock, options: SchedulerOptions,
                logger: Logger = Logger(label: "portrait.schedule")) {
        self.store = store
        self.leases = leases
        self.runners = runners
        self.clock = clock
        self.options = options
        var logger = logger
        logger[metadataKey: "holder"] = "\(options.holder)"
        self.logger = logger
    }

    /// Starts every run due at `now` and waits for all of them to end (tests drive this with a
    /// manual clock; the service loop uses `claimDueRuns` and does not wait).
    @discardableResult
    public func tick(now: Date) async throws -> [RunReport] {
        let claims = try await claimDueRuns(now: now)
        return await withTaskGroup(of: RunReport.self) { group in
            for claim in claims { group.addTask { await self.execute(claim) } }
            var reports: [RunReport] = []
            for await report in group { reports.append(report) }
            return reports.sorted { $0.run.id < $1.run.id }
        }
    }

    /// Ticks every `options.tickInterval` until the task is cancelled, running due jobs
    /// concurrently. On cancellation, runs in progress are stopped and recorded as abandoned,
    /// to be retried by another scheduler.
    public func run() async {
        logger.info("scheduler started", metadata: ["tick_seconds": "\(options.tickInterval)", "lease_seconds": "\(options.leaseDuration)"])
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = clock.now()
                do {
                    for claim in try await claimDueRuns(now: now) { group.addTask { _ = await self.execute(claim) } }
                } catch {
                    logger.error("tick failed; trying again next tick", metadata: ["error": "\(error)"])
                }
                do { try await clock.sleep(until: now.addingTimeInterval(options.tickInterval)) } catch { break }
            }
        }
        logger.info("scheduler stopped")
    }
}
