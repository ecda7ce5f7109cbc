import Kafka
import PortraitCore

/// One user's profile held in the processor's memory (its value in the engine's
/// ``HeldKeyedState``): the state now, the state as last written to Redis, and what changed
/// since, so the next flush writes one coalesced difference however many inputs and timers
/// touched the user in between.
struct HeldProfile {
    var state: ProfileState
    /// What Redis holds of it (`nil`: never written, so the flush registers the user).
    var stored: WrittenValues?
    /// Redis holds the user's hash in the flat layout (``ProfileHash``): the next write
    /// replaces it.
    var storedHashIsFlat: Bool
    /// Events folded in since the last flush, as the behaviour list's entries (the newest
    /// only, as the stored list keeps).
    var events = EventRecords()
    /// The newest input time folded in since the last flush (times changes of a profile no
    /// event has clocked yet).
    var latestMs: Int64?
    /// The newest event time folded in since the last flush (freshness is measured from it).
    var latestEventMs: Int64?
    /// Inputs or timers were folded in without evaluating (a recompute evaluates once, before
    /// the write: ``ProfileJob``'s `evaluatesLazily`).
    var needsEvaluation = false

    init(state: ProfileState, stored: WrittenValues?, storedHashIsFlat: Bool = false) {
        self.state = state
        self.stored = stored
        self.storedHashIsFlat = storedHashIsFlat
    }

    /// Records a change and what it folded in.
    mutating func noteChange(folded: FoldedInputs) {
        events.append(contentsOf: folded.events)
        events.keepNewest(BehaviourRecord.eventLimit)
        if let time = folded.latestMs { latestMs = max(latestMs ?? time, time) }
        if let time = folded.latestEventMs { latestEventMs = max(latestEventMs ?? time, time) }
    }

    /// Takes what the write that brings Redis from ``stored`` to ``state`` needs, and counts
    /// the profile as written (if the write fails, everything not committed is read again).
    /// The stored values and the events are moved out, not copied: each copy of a profile
    /// retains a dozen buffers, and a flush took three of them per user.
    mutating func takeForWrite(partition: Int32) -> PendingProfileWrite {
        var old: WrittenValues?
        swap(&old, &stored)
        stored = WrittenValues(state)
        var taken = EventRecords()
        swap(&taken, &events)
        defer {
            latestMs = nil
            latestEventMs = nil
            storedHashIsFlat = false
        }
        return PendingProfileWrite(
            old: old, new: state, partition: partition, events: taken, inputMs: latestMs, latestEventMs: latestEventMs,
            storedHashIsFlat: storedHashIsFlat)
    }
}

/// What a write compares the profile with: the values Redis holds, not the metric buckets.
///
/// Why not the whole stored state: the buckets only ever go to Redis inside the state blob,
/// written whole, so nothing compares them; and a kept copy shared the profile's buffers, so
/// the user's next input copied all of its metric states (copy on write) and the write freed
/// them again. The value tables are built afresh by every evaluation, so keeping them
/// shares what nothing mutates.
struct WrittenValues: Sendable {
    var attributes: NamedValues
    var metricValues: NamedValues
    var tags: NamedValues
    var modelOutputs: NamedValues
    var nextTimerMs: Int64?

    init(_ state: ProfileState) {
        attributes = state.attributes
        metricValues = state.metricValues
        tags = state.tags
        modelOutputs = state.modelOutputs
        nextTimerMs = state.nextTimerMs
    }
}

/// One user's profile as a flush took it: the values Redis held and the state to write.
struct PendingProfileWrite: Sendable {
    var old: WrittenValues?
    var new: ProfileState
    var partition: Int32
    var events: EventRecords
    /// The newest input time folded in since the last flush.
    var inputMs: Int64?
    /// The newest event time folded in since the last flush (freshness is measured from it).
    var latestEventMs: Int64?
    var storedHashIsFlat = false

    /// The difference to write.
    func write(tagVersions: [String: Int], stateKeys: StateKeys) -> ProfileWrite {
        ProfileWrite(
            old: old, new: new, partition: partition, events: events, inputMs: inputMs, tagVersions: tagVersions,
            storedHashIsFlat: storedHashIsFlat, stateKeys: stateKeys)
    }
}

/// What one update folded in: the events for the user's recent-events list, and the newest
/// input time (timing the changes of a profile no event has clocked yet).
struct FoldedInputs {
    var events = EventRecords()
    var latestMs: Int64?
    var latestEventMs: Int64?

    mutating func note(_ input: ProfileInput) {
        if case .event(let event) = input {
            events.append(event)
            latestEventMs = max(latestEventMs ?? .min, input.timestampMs)
        }
        latestMs = max(latestMs ?? .min, input.timestampMs)
    }
}

/// A flush handed to the background and not yet acknowledged: what to do once it is.
struct FlushInFlight {
    var latestEventMs: [Int64?] = []
    /// The watermarks when the flush was taken: every input they passed is in it.
    var watermarks: [Int32: Int64]
    /// With an observer: each written user's profile after each input, the written one last.
    var observed: [(state: ProfileState, partition: Int32)] = []
}
