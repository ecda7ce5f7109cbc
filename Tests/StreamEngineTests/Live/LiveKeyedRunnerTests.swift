import StreamEngine
import Testing

/// Records `0..<count` spread over key groups 0 and 1 and keys `k0..k<keys-1>` (a key always in
/// the same key group), event time = offset × 10.
private func records(_ count: Int, keys: Int) -> [LiveTestRecord] {
    var offsets: [Int32: Int64] = [:]
    return (0..<count).map { index in
        let key = index % keys
        let keyGroup = Int32(key % 2)
        let offset = offsets[keyGroup, default: 0]
        offsets[keyGroup] = offset + 1
        return LiveTestRecord(keyGroup: keyGroup, offset: offset, key: "k\(key)", value: Int64(index), eventMs: Int64(index) * 10)
    }
}

/// What a key's sum must be.
private func expectedSums(_ records: [LiveTestRecord]) -> [String: Int64] {
    records.reduce(into: [:]) { $0[$1.key, default: 0] += $1.value }
}

@Suite struct LiveKeyedRunnerTests {
    @Test func aRunWritesEveryKeyOnceAcknowledgedAndCommitsOnlyAfterTheWrite() throws {
        let input = records(40, keys: 6)
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        job.acknowledgeAfterLooks = 2  // the write stays in flight for two loops
        var committedBeforeStored = false
        let runner = LiveKeyedRunner.testing(job, source)
        try runner.run()
        #expect(job.stored.mapValues(\.sum) == expectedSums(input))
        // Every committed position is covered by what the store holds: a commit never runs
        // ahead of the acknowledged write (the last commit is each split's end).
        for commit in source.commits {
            for position in commit {
                let read = input.filter { $0.keyGroup == position.keyGroup && $0.offset < position.offset }
                let sums = expectedSums(read)
                for (key, sum) in sums where (job.stored[key]?.sum ?? 0) < sum { committedBeforeStored = true }
            }
        }
        #expect(!committedBeforeStored)
        #expect(source.commits.last == [LiveTestPosition(keyGroup: 0, offset: 20), LiveTestPosition(keyGroup: 1, offset: 20)])
        #expect(Set(job.loads) == Set(input.map(\.key)), "each key loaded")
        #expect(job.loads.count == 6, "and only once: it stays held")
    }

    @Test func aRefusedKeyGroupIsDroppedNotCommittedAndTheAssignmentTakenAgain() throws {
        let input = records(20, keys: 4)
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        job.refusing = [1]
        let runner = LiveKeyedRunner.testing(job, source)
        try runner.run()
        #expect(job.stored.keys.sorted() == ["k0", "k2"], "key group 1's writes were refused")
        #expect(source.commits.allSatisfy { $0.allSatisfy { $0.keyGroup == 0 } }, "and its positions never committed")
        #expect(job.assignments.count > 1, "a refusal makes the runner take its assignment again")
        #expect(job.events.contains(.writesRefused(keyGroups: [1])))
        #expect(!runner.state.contains("k1"), "a refused key leaves memory (its new owner has it)")
    }

    @Test func cleanValuesAreEvictedBeyondTheLimitAndLoadedAgainWhenTouched() throws {
        let input = records(60, keys: 12)
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        let runner = LiveKeyedRunner.testing(job, source) { $0.stateLimit = 4 }
        try runner.run()
        #expect(job.stored.mapValues(\.sum) == expectedSums(input), "eviction loses nothing")
        #expect(job.loads.count > 12, "evicted keys were loaded again")
        #expect(runner.state.count <= 12)
    }

    @Test func cleanValuesAreEvictedBeyondTheByteLimitToo() throws {
        let input = records(60, keys: 12)
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        let runner = LiveKeyedRunner.testing(job, source) { $0.stateByteLimit = 600 }  // values grow past 100 bytes each
        try runner.run()
        #expect(job.stored.mapValues(\.sum) == expectedSums(input), "eviction loses nothing")
        #expect(job.loads.count > 12, "evicted keys were loaded again")
        let held = Set(input.map(\.key)).compactMap { runner.state[$0] }
        #expect(runner.state.bytes == held.reduce(0) { $0 + 100 + Int($1.value.sum) }, "the byte count follows every change and eviction")
    }

    @Test func timersFireOnTheirOwnKeyGroupsWatermark() throws {
        // k0 (key group 0) and k1 (key group 1) stop early; k2 carries key group 0's event time
        // far ahead. Each input sets its key's timer 500 ms after it.
        var input = records(8, keys: 2)
        input += (0..<10).map { LiveTestRecord(keyGroup: 0, offset: Int64(4 + $0), key: "k2", value: 0, eventMs: 1_000 + Int64($0) * 1_000) }
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        job.timerDelayMs = 500
        try LiveKeyedRunner.testing(job, source).run()
        #expect(job.stored["k0"]?.fired == 1, "key group 0's watermark passed k0's timer (560)")
        #expect(job.stored["k0"]?.timerMs == nil)
        #expect(job.stored["k1"]?.fired == 0, "key group 1's watermark (70) never reached k1's timer")
        #expect(job.stored["k1"]?.timerMs == 570)
        #expect(job.stored["k2"]?.fired == 0, "k2's timer is beyond everything read")
    }

    @Test func aFinishedKeyGroupIsWrittenOnceAndLetGoWithTheSameResult() throws {
        // A replay in key group order: key group 0's records, then key group 1's (later in
        // event time). Each input sets its key's timer 15 ms after it, so timers fire while
        // a key group is read.
        let input = records(40, keys: 6).sorted { ($0.keyGroup, $0.offset) < ($1.keyGroup, $1.offset) }.map { record in
            var record = record
            record.eventMs = record.offset * 10 + (record.keyGroup == 0 ? 0 : 10_000)
            return record
        }
        func run(releasing: Bool) throws -> (SumJob, LiveKeyedRunner<SumJob>) {
            let source = ScriptedSplits(input, keyGroups: [0, 1])
            source.reportsFinishedKeyGroups = releasing
            let job = SumJob()
            job.timerDelayMs = 15
            let runner = LiveKeyedRunner.testing(job, source) {
                $0.checkpointsOnlyWhenFull = true  // a bounded run: a write only when full or at the end
                $0.stateLimit = 100
            }
            try runner.run()
            return (job, runner)
        }
        let (whole, _) = try run(releasing: false)
        let (released, runner) = try run(releasing: true)
        #expect(released.stored == whole.stored, "sums, timers fired and timers left as when everything is held to the end")
        #expect(released.stored.values.contains { $0.fired > 0 })
        let written = released.writes.filter { !$0.isEmpty }
        #expect(written.map { Set($0) } == [["k0", "k2", "k4"], ["k1", "k3", "k5"]], "one write per key group, each key once")
        #expect(released.loads.count == 6, "a key group let go is never read again")
        #expect(runner.state.count == 0, "both key groups left memory")
    }

    @Test func aBroadcastChangeVisitsEveryStoredKeyOfTheOwnedKeyGroups() throws {
        let input = records(24, keys: 8)
        let source = ScriptedSplits(input, keyGroups: [0, 1])
        let job = SumJob()
        job.broadcastAfterBatches = 3  // after 12 records, all 8 keys are stored
        let runner = LiveKeyedRunner.testing(job, source) { $0.visitSliceMs = 0 }  // a page per loop
        try runner.run()
        #expect(job.stored.count == 8)
        #expect(job.stored.values.allSatisfy { $0.visits == 1 }, "every key visited once")
        // 8 keys in pages of 2 with a zero slice: one page per loop, between polls, never the
        // whole key set inline in one loop (which would keep a consumer from polling).
        #expect(job.events.contains(.visitsDone(changed: 8, slices: 4)))
        #expect(job.stored.mapValues(\.sum) == expectedSums(input))
    }

    @Test func aSkippedCommitMakesTheRunnerLookAtItsAssignmentAgain() throws {
        let source = ScriptedSplits(records(24, keys: 8), keyGroups: [0, 1])
        source.acceptsCommits = false
        let job = SumJob()
        try LiveKeyedRunner.testing(job, source).run()
        #expect(job.events.contains(.commitSkipped))
        #expect(job.assignments.count > 1)
    }
}

@Suite struct HeldKeyedStateTests {
    @Test func aChangeMarksAKeyDirtyOnceAndACheckpointTakesDirtyKeysInOrder() {
        var state = HeldKeyedState<String, Int>()
        state.hold("b", value: 1, keyGroup: 0)
        state.hold("a", value: 1, keyGroup: 1)
        state.hold("a", value: 99, keyGroup: 1)  // held already: kept
        #expect(state.update("b") { value, isDirty, _ in value += 1; return !isDirty } == true)
        #expect(state.update("b") { _, isDirty, _ in isDirty } == true, "dirty already")
        #expect(state.update("a") { _, _, keyGroup in keyGroup == 1 } == true)
        #expect(state.update("c") { _, _, _ in true } == nil, "not held")
        #expect(state.dirtyCount == 2)
        var taken: [(String, Int)] = []
        state.takeDirty { key, entry in taken.append((key, entry.value)) }
        #expect(taken.map(\.0) == ["b", "a"])
        #expect(taken.map(\.1) == [2, 1])
        #expect(state["b"]?.isDirty == false)
        #expect(state.update("a") { _, _, _ in false } == false, "no change, stays clean")
        #expect(state.dirtyCount == 0)
    }

    @Test func evictionDropsOnlyCleanValues() {
        var state = HeldKeyedState<Int, Int>()
        for key in 0..<100 { state.hold(key, value: key, keyGroup: 0) }
        for key in 0..<10 { _ = state.update(key) { value, _, _ in value += 1; return true } }
        state.evictClean(downTo: 20)
        #expect(state.count == 20)
        #expect((0..<10).allSatisfy { state[$0]?.isDirty == true }, "dirty values stay")
    }

    @Test func evictionAlsoBoundsTheHeldBytes() {
        var state = HeldKeyedState<Int, Int>()
        for key in 0..<100 { state.hold(key, value: key, keyGroup: 0, footprint: 10) }
        for key in 0..<10 { _ = state.update(key, measure: { _ in 50 }) { value, _, _ in value += 1; return true } }
        #expect(state.bytes == 90 * 10 + 10 * 50, "a change is measured again")
        state.evictClean(downTo: 1_000, bytes: 600)
        #expect(state.bytes == 600)
        #expect(state.count == 20, "ten dirty values (500 bytes) and ten clean ones")
        #expect((0..<10).allSatisfy { state[$0]?.isDirty == true }, "dirty values stay")
    }
}
