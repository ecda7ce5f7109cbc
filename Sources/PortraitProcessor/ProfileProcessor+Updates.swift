import PortraitCore

extension ProfileProcessor {
    /// A profile changed in a run with deferred writes: its state as stored before the run,
    /// and what the run folded in (the newest events only, as the stored list keeps).
    struct DeferredWrite {
        var stored: ProfileState?
        var partition: Int32
        var fences: Set<String> = []
        var events: [ProfileEvent] = []
        var latestMs: Int64?

        mutating func note(_ changedFences: [String], _ folded: FoldedInputs) {
            fences.formUnion(changedFences)
            events.append(contentsOf: folded.events)
            if events.count > BehaviourRecord.eventLimit { events.removeFirst(events.count - BehaviourRecord.eventLimit) }
            if let time = folded.latestMs { latestMs = max(latestMs ?? time, time) }
        }
    }

    /// What one update folded in: the events for the user's recent-events list, and the newest
    /// input time (timing the changes of a profile no event has clocked yet).
    struct FoldedInputs {
        var events: [ProfileEvent] = []
        var latestMs: Int64?

        mutating func note(_ input: ProfileInput) {
            if case .event(let event) = input { events.append(event) }
            latestMs = max(latestMs ?? .min, input.timestampMs)
        }
    }
}
