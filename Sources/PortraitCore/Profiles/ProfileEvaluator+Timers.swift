/// Firing a profile's timers cheaply: between two timers no input arrives, so only the clock
/// and the metric windows move; tags (and anything else computed from metrics) are evaluated
/// once, at the last timer, by the caller's ``ProfileEvaluator/evaluate(_:)``. The final state equals evaluating at every timer, because tags
/// never feed metrics or timers — and a processor writes a profile once per firing anyway.
extension ProfileEvaluator {
    /// Moves through the timer at `firstMs` and every later one up to `watermark`; returns how
    /// many. Call ``evaluate(_:)`` afterwards.
    ///
    /// In one step, not timer by timer: between two timers nothing is added to the windows,
    /// and expiring at a later time drops a superset of what an earlier time drops, so the
    /// state after the last timer due is the state expired once at that timer's time. The
    /// timers are the departures of the buckets held (each bucket is aligned and its window a
    /// whole number of buckets, so every departure is a timer in turn) and, when a tag reads
    /// the time, the ticks: the last of them by `watermark` is where the clock ends. Stepping
    /// through them expired every metric at every one of them (a user idle for a week had
    /// dozens).
    public func advanceThroughTimers(_ state: inout ProfileState, from firstMs: Int64, upTo watermark: Int64) -> Int {
        let after = max(firstMs, state.clockMs)  // timers at or before the clock change nothing
        var last = firstMs
        var departures: [Int64] = []
        for metric in definitions.metrics {
            guard case .sliding(let length, _) = metric.window, let index = state.metricStates.index(of: metric.stateKey) else { continue }
            for bucket in state.metricStates[position: index].buckets {
                let departure = bucket.start + length
                if departure > after, departure <= watermark { departures.append(departure) }
            }
        }
        var ticks: Int64 = 0
        if definitions.anyTagDependsOnTime {
            let tick = definitions.timeTickMs
            let lastTick = MetricState.floor(watermark, tick)
            if lastTick > after {
                ticks = (lastTick - MetricState.floor(after, tick)) / tick
                last = max(last, lastTick)
            }
        }
        if let latest = departures.max() { last = max(last, latest) }
        advance(&state, to: last)
        _ = expireWindows(&state)
        // As many as firing them one by one: the first, then each distinct later time (a
        // departure on the tick grid is that tick's timer too).
        let distinct = Set(departures)
        let onTicks = ticks > 0 ? distinct.count { $0 % definitions.timeTickMs == 0 } : 0
        return 1 + distinct.count + Int(ticks) - onTicks
    }

    /// Expires the metric windows at the profile's clock and sets the next timer, without
    /// computing values, tags or model outputs: for a run nothing reads before its end (a
    /// recompute), which calls ``evaluate(_:)`` once before the profile is written. The result
    /// equals evaluating after every step, for the reason above.
    public func scheduleTimer(_ state: inout ProfileState) {
        state.nextTimerMs = expireWindows(&state)
    }

    /// Drops the buckets of `metricState` that left `window` by `now`; returns its next expiry.
    static func expireBuckets(_ metricState: inout MetricState, window: MetricWindow, now: Int64) -> Int64? {
        metricState.expire(nowMs: now, window: window)
        return metricState.nextExpiry(window: window)
    }

    /// Expires every metric window at the profile's clock and returns the next timer, as
    /// ``evaluate(_:)`` would set it, without computing values or tags.
    func expireWindows(_ state: inout ProfileState) -> Int64? {
        let now = state.clockMs
        var next: Int64? = nil
        for metric in definitions.metrics {
            guard let index = state.metricStates.index(of: metric.stateKey) else { continue }
            // In place, both: reading the state back through the subscript copied it (a retain
            // of each of its arrays).
            if let expiry = Self.expireBuckets(&state.metricStates[position: index], window: metric.window, now: now), expiry > now { next = min(next ?? .max, expiry) }
        }
        if definitions.anyTagDependsOnTime, now > .min {
            let tick = definitions.timeTickMs
            let wake = MetricState.floor(now, tick) + tick
            if wake > now { next = min(next ?? .max, wake) }
        }
        return next
    }
}
