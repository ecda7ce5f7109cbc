/// Firing a profile's timers cheaply: between two timers no input arrives, so only the clock
/// and the metric windows move; tags (and anything else computed from metrics) are evaluated
/// once, at the last timer, by the caller's ``ProfileEvaluator/evaluate(_:)``. The final state equals evaluating at every timer, because tags
/// never feed metrics or timers — and a processor writes a profile once per firing anyway.
extension ProfileEvaluator {
    /// Moves through the timer at `firstMs` and every later one up to `watermark`, in order;
    /// returns how many. Call ``evaluate(_:)`` afterwards.
    public func advanceThroughTimers(_ state: inout ProfileState, from firstMs: Int64, upTo watermark: Int64) -> Int {
        var time = firstMs
        var fired = 0
        while true {
            advance(&state, to: time)
            fired += 1
            guard let next = expireWindows(&state), next <= watermark else { break }
            time = next
        }
        return fired
    }

    /// Expires the metric windows at the profile's clock and sets the next timer, without
    /// computing values, tags or model outputs: for a run nothing reads before its end (a
    /// recompute), which calls ``evaluate(_:)`` once before the profile is written. The result
    /// equals evaluating after every step, for the reason above.
    public func scheduleTimer(_ state: inout ProfileState) {
        state.nextTimerMs = expireWindows(&state)
    }

    /// Expires every metric window at the profile's clock and returns the next timer, as
    /// ``evaluate(_:)`` would set it, without computing values or tags.
    func expireWindows(_ state: inout ProfileState) -> Int64? {
        let now = state.clockMs
        var next: Int64? = nil
        for metric in definitions.metrics {
            guard let index = state.metricStates.index(of: metric.stateKey) else { continue }
            state.metricStates[position: index].expire(nowMs: now, window: metric.window)  // in place: no copy of the buckets
            if let expiry = state.metricStates[position: index].nextExpiry(window: metric.window), expiry > now { next = min(next ?? .max, expiry) }
        }
        if definitions.anyTagDependsOnTime, now > .min {
            let tick = definitions.timeTickMs
            let wake = MetricState.floor(now, tick) + tick
            if wake > now { next = min(next ?? .max, wake) }
        }
        return next
    }
}
