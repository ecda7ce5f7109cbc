import Foundation

/// The next thing to do for one job, decided from what MySQL says about it.
enum PlannedAction: Sendable, Equatable {
    /// Its latest run is `running` but nobody holds a live lease on it: the holder died.
    case recover(JobRun)
    /// Run cron tick `scheduledFor`, standing in for `covered` due ticks starting at `firstCovered`.
    case tick(scheduledFor: Date, trigger: RunTrigger, covered: Int, firstCovered: Date)
    /// Start a manual run queued by `portrait jobs run`.
    case startPending(JobRun)
    /// The next attempt after a failed or abandoned run.
    case retry(JobRun)
}

/// Cron ticks that came due in an interval.
struct DueTicks: Sendable, Equatable {
    var count: Int
    var first: Date
    var latest: Date
}

/// Decides what a scheduler should do for a job. Pure: the same facts give the same answer,
/// and every scheduler process decides again after taking the lease.
enum SchedulePlanner {
    /// Due ticks are counted up to this many (the log says "at least").
    static let countLimit = 1000

    static func plan(job: Job, latest: JobRun?, pending: JobRun?, lease: LeaseRecord?, leaseIsOurs: Bool = false, now: Date) -> PlannedAction? {
        if let lease, !leaseIsOurs, lease.expiresAt > now { return nil }  // someone is at work on it
        if let latest, latest.status == .running { return .recover(latest) }
        if job.spec.enabled, let cron = job.spec.cron,
           let due = dueTicks(cron, in: job.spec.timeZone, after: job.lastScheduledFor ?? job.createdAt, upTo: now) {
            let catchUp = due.count > 1 && job.spec.missedRunPolicy == .catchUpOnce
            return .tick(scheduledFor: due.latest, trigger: catchUp ? .catchUp : .schedule, covered: due.count, firstCovered: due.first)
        }
        if let pending { return .startPending(pending) }
        if job.spec.enabled, let latest, [.failed, .abandoned].contains(latest.status), let retryAt = latest.retryAt, retryAt <= now {
            return .retry(latest)
        }
        return nil
    }

    /// The ticks in `(after, now]`; `nil` if there are none.
    static func dueTicks(_ cron: CronExpression, in zone: TimeZone, after base: Date, upTo now: Date) -> DueTicks? {
        guard let first = cron.next(after: base, in: zone), first <= now else { return nil }
        var count = 1
        var latest = first
        while count < countLimit, let next = cron.next(after: latest, in: zone), next <= now {
            latest = next
            count += 1
        }
        if count == countLimit, let last = latestTick(cron, in: zone, atOrBefore: now, notBefore: latest) { latest = last }
        return DueTicks(count: count, first: first, latest: latest)
    }

    /// The last tick at or before `now`, looking back in doubling windows so a long downtime
    /// of a frequent job does not walk every tick in between.
    private static func latestTick(_ cron: CronExpression, in zone: TimeZone, atOrBefore now: Date, notBefore floor: Date) -> Date? {
        var window: TimeInterval = 3600
        while true {
            let start = max(floor, now.addingTimeInterval(-window))
            if var tick = cron.next(after: start, in: zone), tick <= now {
                while let next = cron.next(after: tick, in: zone), next <= now { tick = next }
                return tick
            }
            if start == floor { return floor }
            window *= 2
        }
    }

    /// When attempt `attempt` having failed, the next is due; `nil` when no retry is left.
    /// The wait is `retry_backoff_ms` doubled per attempt so far, at most `maxBackoff`.
    static func retryAt(after attempt: Int, job: Job, now: Date, maxBackoff: TimeInterval) -> Date? {
        guard attempt <= job.spec.maxRetries else { return nil }
        let base = TimeInterval(job.spec.retryBackoffMs) / 1000
        let factor = pow(2, Double(min(attempt - 1, 30)))
        return now.addingTimeInterval(min(base * factor, maxBackoff))
    }
}
