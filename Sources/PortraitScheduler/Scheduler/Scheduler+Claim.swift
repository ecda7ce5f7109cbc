import Foundation
import Logging

/// A run this scheduler recorded as started and holds the lease for.
struct RunClaim: Sendable {
    var job: Job
    var run: JobRun
    var lease: HeldLease
    var coveredTicks: Int
    var firstCoveredTick: Date?
}

extension Scheduler {
    /// Decides, for every job, whether something is due; takes the lease where it is, decides
    /// again with the lease held (another scheduler may have just done it), and records the
    /// run as started.
    func claimDueRuns(now: Date) async throws -> [RunClaim] {
        let jobs = try await Blocking.run { [store] in try store.list() }
        var claims: [RunClaim] = []
        for job in jobs {
            do {
                if let claim = try await claim(job, now: now) { claims.append(claim) }
            } catch {
                logger.error("could not start job", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
        }
        return claims
    }

    private func claim(_ job: Job, now: Date) async throws -> RunClaim? {
        let (store, leases, options) = (store, leases, options)
        let before = try await Blocking.run { (try store.latestRuns(of: job.name), try leases.current(job.name)) }
        guard SchedulePlanner.plan(job: job, latest: before.0.latest, pending: before.0.pending, lease: before.1, now: now) != nil else { return nil }
        guard let acquisition = try await Blocking.run({ try leases.acquire(job.name, holder: options.holder, now: now, duration: options.leaseDuration) }) else {
            return nil  // another scheduler got there first
        }
        let lease = acquisition.lease
        do {
            if let claim = try await claimHoldingLease(job, lease: lease, now: now) { return claim }
            try await Blocking.run { try leases.release(lease, now: now) }
            return nil
        } catch {
            try? await Blocking.run { try leases.release(lease, now: now) }
            throw error
        }
    }

    private func claimHoldingLease(_ job: Job, lease: HeldLease, now: Date) async throws -> RunClaim? {
        let store = store
        // Re-read: the job and its runs may have changed between the first look and the lease.
        guard let job = try await Blocking.run({ try store.job(named: job.name) }) else { return nil }
        // Recovering an abandoned run and then retrying it are two steps; nothing needs more.
        for _ in 0..<2 {
            let runs = try await Blocking.run { try store.latestRuns(of: job.name) }
            switch SchedulePlanner.plan(job: job, latest: runs.latest, pending: runs.pending, lease: nil, leaseIsOurs: true, now: now) {
            case nil:
                return nil
            case .recover(let run):
                let retryAt = run.attempt <= job.spec.maxRetries ? now : nil
                let reason = "holder \(run.holder ?? "?") stopped renewing its lease; taken over by \(options.holder)"
                try await Blocking.run { try store.abandon(runId: run.id, reason: reason, retryAt: retryAt, now: now) }
                logger.warning("took over an abandoned run", metadata: ["job": "\(job.name)", "run": "\(run.id)", "previous_holder": "\(run.holder ?? "?")"])
            case .tick(let tick, let trigger, let covered, let first):
                if covered > 1 {
                    let count = covered >= SchedulePlanner.countLimit ? "at least \(covered)" : "\(covered)"
                    switch job.spec.missedRunPolicy {
                    case .skip: logger.warning("skipping missed ticks; running only the latest", metadata: ["job": "\(job.name)", "skipped": "\(covered - 1)", "ticks": "\(count)", "tick": "\(tick)"])
                    case .catchUpOnce: logger.warning("catching up missed ticks with one run", metadata: ["job": "\(job.name)", "ticks": "\(count)", "first": "\(first)", "tick": "\(tick)"])
                    }
                }
                guard let run = try await Blocking.run({ try store.startTick(job, trigger: trigger, scheduledFor: tick, lease: lease, now: now) }) else {
                    return nil  // this tick was recorded already
                }
                let coversMissed = trigger == .catchUp
                return RunClaim(job: job, run: run, lease: lease, coveredTicks: coversMissed ? covered : 1, firstCoveredTick: coversMissed ? first : tick)
            case .startPending(let pending):
                guard let run = try await Blocking.run({ try store.startPending(pending.id, lease: lease, now: now) }) else { return nil }
                return RunClaim(job: job, run: run, lease: lease, coveredTicks: 1, firstCoveredTick: nil)
            case .retry(let previous):
                guard let run = try await Blocking.run({ try store.startRetry(of: previous, lease: lease, now: now) }) else { return nil }
                return RunClaim(job: job, run: run, lease: lease, coveredTicks: 1, firstCoveredTick: run.scheduledFor)
            }
        }
        return nil
    }
}
