import Kafka
import PortraitCore
import StreamEngine

/// The profile job's records and keyed state: what an input means for its user's profile.
extension ProfileJob {
    /// Decodes a message: its source's split and fence name, and the user's input it carries
    /// (an unusable one goes to the dead-letter topic with its reason).
    func read(_ message: KafkaMessage, watermarks: inout SplitWatermarks) throws -> LiveRecord<String, Input, KafkaTopicPartition> {
        let (source, split) = sourceNames.source(topic: message.topic, partition: message.partition, in: &watermarks)
        positions[source] = message.offset
        var read = LiveRecord<String, Input, KafkaTopicPartition>(
            split: split, keyGroup: message.partition, resume: message.nextPosition, keyed: nil, eventMs: nil)
        switch decoder.decode(topic: message.topic, value: message.value) {
        case .ignored: break
        case .deadLetter(let reason): if options.sendsDeadLetters { try deadLetters.send(reason: reason, message: message) }
        case .input(let input):
            read.keyed = (input.userId, Input(source: source, offset: message.offset, input: input))
            if case .event = input { read.eventMs = input.timestampMs }  // row commit times are not event time
        }
        return read
    }

    func keyGroup(of message: KafkaMessage) -> Int32 { message.partition }

    /// Reads the stored states of `users` (one round trip: each waits in Redis behind the
    /// flush transaction running there, so fewer trips mean less waiting), giving new users
    /// dense ids.
    func load(_ users: [String], keyGroups: [Int32]) throws -> [HeldProfile] {
        let loaded = try loadStates(users, keyGroups: keyGroups)
        let newUsers = zip(users, loaded).filter { $0.1 == nil }.map(\.0)
        let existingIds = try store.existingDenseIds(newUsers)
        let needed = newUsers.filter { existingIds[$0] == nil }.count
        var nextDense = needed == 0 ? 0 : try store.reserveDenseIds(needed)
        return zip(users, loaded).map { userId, stored in
            var state = stored?.state ?? ProfileState(userId: userId)
            if state.denseId == nil {
                if let existing = existingIds[userId] { state.denseId = existing } else { state.denseId = nextDense; nextDense += 1 }
            }
            return HeldProfile(state: state, stored: stored.map { WrittenValues($0.state) }, storedHashIsFlat: stored?.hashIsFlat ?? false)
        }
    }

    /// The stored states of `users`: in a store that started empty, only users of partitions
    /// written since can have one (the others are new; a recompute reads no state it would
    /// only find missing, a round trip per batch waiting behind the flushes in Redis).
    private func loadStates(_ users: [String], keyGroups: [Int32]) throws -> [StoredState?] {
        let definitions = evaluator.definitions
        guard options.storeStartsEmpty else { return try store.loadStates(users, definitions: definitions) }
        let stored = users.indices.filter { writtenPartitions.contains(keyGroups[$0]) }
        var states = [StoredState?](repeating: nil, count: users.count)
        for (index, state) in zip(stored, try store.loadStates(stored.map { users[$0] }, definitions: definitions)) { states[index] = state }
        return states
    }

    func timer(of held: HeldProfile) -> Int64? { held.state.nextTimerMs }

    /// About how many bytes a held profile takes, calibrated against `bench processor`'s peak
    /// RSS (3.8 KB a profile with one event, 11 KB with ten: Benchmarks/README.md, fifth step):
    /// the tables and fences, each metric bucket, and the events waiting for the behaviour list
    /// by their records' bytes (a parsed event, as they waited then, took ~400 bytes).
    func footprint(of held: HeldProfile) -> Int {
        var buckets = 0
        for metric in held.state.metricStates.values { buckets += metric.buckets.count }
        return 2_500 + 120 * buckets + held.events.footprint + 64 * held.state.recentEventIds.entries.count
    }

    /// Folds a user's inputs in, each once: an input at or below the profile's fence for its
    /// source partition (a replay) or a retried event already folded is skipped.
    func fold(_ inputs: [Input], into held: inout HeldProfile, key userId: String, isDirty: Bool) -> Bool {
        // An admitted input always changes the profile (its fence moves), so the state is taken
        // out of the held profile and changed in place instead of being copied (which would copy
        // every table it touches) and compared afterwards. An observer sees the state before.
        update(&held, userId: userId, isDirty: isDirty, takesState: options.onProfilesWritten == nil, lazily: evaluatesLazily) { state, folded in
            Self.fold(inputs, into: &state, folded: &folded, evaluator: evaluator, stepBeforeEach: options.onProfilesWritten == nil ? nil : { [self] state in
                var step = state
                evaluator.evaluate(&step)
                steps[state.userId, default: []].append(step)
            })
        }
    }

    /// Folds `inputs` into `state`, each once, noting what was folded in `folded`; whether any
    /// was admitted. `stepBeforeEach` sees the state before each admitted input but the first
    /// (an observer's steps). The job's fold without its keyed state, which `bench hot-path`
    /// times as it is.
    static func fold(
        _ inputs: [Input], into state: inout ProfileState, folded: inout FoldedInputs, evaluator: ProfileEvaluator,
        stepBeforeEach: ((ProfileState) -> Void)? = nil
    ) -> Bool {
        var admitted = false
        // By index, each input read in place: `for pending in inputs` copied every input out,
        // retaining its strings and fields.
        for index in inputs.indices where state.admit(source: inputs[index].source, offset: inputs[index].offset) {
            // Issue 17 item 4 hook: a retried event (same event_id) is not folded twice;
            // the fence still moved, so the state is written.
            guard EventDeduplication.admit(inputs[index].input, into: &state) else { admitted = true; continue }
            if admitted, let stepBeforeEach { stepBeforeEach(state) }
            evaluator.apply(inputs[index].input, to: &state)
            folded.note(inputs[index].input)
            admitted = true
        }
        return admitted
    }

    /// Every timer up to the watermark, in order, in memory: the same state as firing them one
    /// by one, without a round trip each.
    ///
    /// A timer later than the profile's clock always changes it (the clock moves), so its state
    /// is taken and changed in place as a fold's is: a copy would be copied again, table by
    /// table and bucket by bucket, as the windows expire. Only a stale timer (at or before the
    /// clock) is compared, as it may change nothing.
    func fireTimers(_ held: inout HeldProfile, key userId: String, from timeMs: Int64, upTo watermark: Int64, isDirty: Bool) -> Bool {
        let movesClock = ProfileEvaluator.movesClock(of: held.state, to: timeMs)
        return update(&held, userId: userId, isDirty: isDirty, takesState: movesClock && options.onProfilesWritten == nil, lazily: evaluatesLazily) { state, _ in
            let count = evaluator.advanceThroughTimers(&state, from: timeMs, upTo: watermark)
            timersCounter.increment(by: count)
            return true
        }
    }

    /// Re-evaluates a profile with the definitions and models now in force.
    func revisit(_ held: inout HeldProfile, key userId: String, isDirty: Bool) -> Bool {
        update(&held, userId: userId, isDirty: isDirty, takesState: false, lazily: false) { _, _ in true }
    }

    func keys(of partition: Int32, cursor: String) throws -> (keys: [String], cursor: String) {
        let page = try store.users(partition: partition, cursor: cursor)
        return (page.users, page.cursor)
    }

    /// A partition's timers as Redis holds them, when it is taken (a recompute keeps its own).
    func storedTimers(of partition: Int32) throws -> [(key: String, timeMs: Int64)]? {
        guard !options.deferWrites else { return nil }
        return try store.allTimers(partition: partition).map { ($0.userId, $0.timeMs) }
    }

    /// A recompute reads no profile before it writes it, and sees no step of it (no observer):
    /// folds and timers only move the metric windows and the timer, and the profile is
    /// evaluated once, when its write is taken (``snapshot(_:key:keyGroup:)``). A user with ten
    /// inputs and their timers is evaluated once instead of a dozen times.
    var evaluatesLazily: Bool { options.deferWrites && options.onProfilesWritten == nil }

    /// Lets `change` fold inputs in or move the clock (returning whether anything changed),
    /// then re-evaluates (`lazily`: only schedules the next timer). A re-evaluation, timer or
    /// re-scoring that changes nothing writes nothing. With `takesState` or `lazily`, the
    /// change always counts (see ``fold(_:into:key:isDirty:)``).
    private func update(
        _ held: inout HeldProfile, userId: String, isDirty: Bool, takesState: Bool, lazily: Bool,
        change: (inout ProfileState, inout FoldedInputs) -> Bool
    ) -> Bool {
        // Taken by a swap, not a copy: a copy retains every buffer of the profile.
        var state: ProfileState
        if takesState {
            state = ProfileState(userId: userId)
            swap(&state, &held.state)
        } else {
            state = held.state
        }
        var folded = FoldedInputs()
        guard change(&state, &folded) else {
            if takesState { swap(&state, &held.state) }
            return false
        }
        if lazily {
            evaluator.scheduleTimer(&state)
            held.needsEvaluation = true
        } else {
            evaluator.evaluate(&state)
            if !takesState, folded.events.isEmpty, state == held.state { return false }
        }
        // The profile this one replaces was never written: the observer still sees it.
        if isDirty, options.onProfilesWritten != nil { steps[userId, default: []].append(held.state) }
        held.state = state
        held.noteChange(folded: folded)
        return true
    }
}
