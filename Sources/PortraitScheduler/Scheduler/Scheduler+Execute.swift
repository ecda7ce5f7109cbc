import Foundation
import Logging

extension Scheduler {
    /// Runs a claimed run to its end and records how it ended: the runner works while a
    /// supervisor renews the lease, beats the heartbeat and watches for cancel and timeout.
    func execute(_ claim: RunClaim) async -> RunReport {
        var logger = logger
        logger[metadataKey: "job"] = "\(claim.job.name)"
        logger[metadataKey: "run"] = "\(claim.run.id)"
        logger.info("run started", metadata: ["trigger": "\(claim.run.trigger.rawValue)", "attempt": "\(claim.run.attempt)"])
        let completion: RunCompletion
        if let runner = runners.runner(for: claim.job.kind) {
            completion = await supervise(claim, runner: runner, logger: logger)
        } else {
            completion = RunCompletion(status: .failed, error: JobRunnerError.notPlugged(claim.job.kind).description)
        }
        return await record(claim, completion, logger: logger)
    }

    private enum Finished: Sendable {
        case runner(Result<JobOutcome, any Error>)
        case supervisor
    }

    private func supervise(_ claim: RunClaim, runner: any JobRunner, logger: Logger) async -> RunCompletion {
        let stop = StopSignal()
        let store = store
        let runId = claim.run.id
        let context = JobContext(
            logger: logger, clock: clock, coveredTicks: claim.coveredTicks, firstCoveredTick: claim.firstCoveredTick, stop: stop,
            cancelRequested: { try await Blocking.run { try store.isCancelRequested(runId: runId) } })
        let result: Result<JobOutcome, any Error> = await withTaskGroup(of: Finished.self) { group in
            group.addTask {
                do { return .runner(.success(try await runner.run(job: claim.job, run: claim.run, context: context))) } catch {
                    return .runner(.failure(error))
                }
            }
            group.addTask {
                await self.watch(claim, stop: stop, logger: logger)
                return .supervisor
            }
            var outcome: Result<JobOutcome, any Error> = .failure(CancellationError())
            while let finished = await group.next() {
                switch finished {
                case .runner(let result):
                    outcome = result
                    group.cancelAll()  // stops the supervisor
                case .supervisor:
                    if stop.reason != nil { group.cancelAll() }  // asks the runner to stop
                }
            }
            return outcome
        }
        return completion(for: result, claim: claim, stop: stop)
    }

    /// Wakes every `renewInterval` (or at the timeout) until cancelled or until the run must
    /// stop: renews the lease, records a heartbeat, and checks the cancel flag and the timeout.
    private func watch(_ claim: RunClaim, stop: StopSignal, logger: Logger) async {
        let (store, leases, options, clock) = (store, leases, options, clock)
        let deadline = claim.job.spec.timeoutMs.map { claim.run.startedAt.addingTimeInterval(TimeInterval($0) / 1000) }
        var lease = claim.lease
        var wake = clock.now()
        while !Task.isCancelled {
            wake = wake.addingTimeInterval(options.renewInterval)
            if let deadline, deadline < wake { wake = deadline }
            do { try await clock.sleep(until: wake) } catch { return }
            let now = clock.now()
            if let deadline, let timeoutMs = claim.job.spec.timeoutMs, now >= deadline {
                stop.raise(.timedOut(ms: timeoutMs))
                return
            }
            do {
                guard let renewed = try await Blocking.run({ [lease] in try leases.renew(lease, now: now, duration: options.leaseDuration) }) else {
                    logger.error("lease taken over by another holder; stopping the run")
                    stop.raise(.leaseLost)
                    return
                }
                lease = renewed
                try await Blocking.run { try store.heartbeat(runId: claim.run.id, now: now) }
                if try await Blocking.run({ try store.isCancelRequested(runId: claim.run.id) }) {
                    stop.raise(.cancelRequested)
                    return
                }
            } catch {
                // MySQL unreachable: keep working and try again; the lease lasts several renewals.
                logger.warning("could not renew the lease; trying again", metadata: ["error": "\(error)"])
            }
        }
    }

    private func completion(for result: Result<JobOutcome, any Error>, claim: RunClaim, stop: StopSignal) -> RunCompletion {
        let now = clock.now()
        switch result {
        case .success(let outcome) where stop.reason != .leaseLost:
            return RunCompletion(
                status: .succeeded, rows: outcome.rows, definitionVersions: outcome.definitionVersions, modelVersions: outcome.modelVersions,
                result: outcome.result)
        default:
            let error: any Error = if case .failure(let error) = result { error } else { JobStop.leaseLost }
            let reason = stop.reason ?? (error as? JobStop)
            if reason == .cancelRequested { return RunCompletion(status: .cancelled, error: JobStop.cancelRequested.description) }
            let retryAt = SchedulePlanner.retryAt(after: claim.run.attempt, job: claim.job, now: now, maxBackoff: options.maxBackoff)
            if let reason { return RunCompletion(status: .failed, error: reason.description, retryAt: retryAt) }
            if error is CancellationError {
                // The scheduler itself is shutting down: another holder should take it from here.
                return RunCompletion(status: .abandoned, error: "scheduler \(options.holder) shut down during the run", retryAt: claim.run.attempt <= claim.job.spec.maxRetries ? now : nil)
            }
            return RunCompletion(status: .failed, error: "\(error)", retryAt: retryAt)
        }
    }

    private func record(_ claim: RunClaim, _ completion: RunCompletion, logger: Logger) async -> RunReport {
        let store = store
        let now = clock.now()
        do {
            try await Blocking.run { try store.finish(claim.run, with: completion, lease: claim.lease, now: now) }
            var metadata: Logger.Metadata = ["status": "\(completion.status.rawValue)"]
            if let error = completion.error { metadata["error"] = "\(error)" }
            if let retryAt = completion.retryAt { metadata["retry_at"] = "\(retryAt)" }
            logger.log(level: completion.status == .succeeded ? .info : .warning, "run ended", metadata: metadata)
            return RunReport(run: claim.run, completion: completion, recorded: true)
        } catch let error as LeaseLostError {
            logger.error("run ended after its lease was taken over; not recorded", metadata: ["error": "\(error)"])
        } catch {
            logger.error("could not record the end of the run", metadata: ["error": "\(error)"])
        }
        return RunReport(run: claim.run, completion: completion, recorded: false)
    }
}
