import Kafka
import PortraitCore
import Redis
import StreamEngine

/// The profile job's checkpoints: each changed user written once, as the difference from what
/// Redis holds, on the background flush lanes while the runner folds on.
extension ProfileJob {
    func snapshot(_ held: inout HeldProfile, key: String, keyGroup: Int32) -> PendingProfileWrite {
        if held.needsEvaluation {
            evaluator.evaluate(&held.state)
            held.needsEvaluation = false
        }
        return held.takeForWrite(partition: keyGroup)
    }

    /// Starts writing the changed profiles, each lane on its own Redis connection, fenced by
    /// the owner epochs (a recompute's scratch database has no rival writer).
    func startWrite(_ dirty: consuming [PendingProfileWrite], watermarks: [Int32: Int64], carriesProgress: Bool) -> FlushInFlight? {
        guard !dirty.isEmpty || carriesProgress || watermarks != reportedWatermarks else { return nil }
        var flight = FlushInFlight(watermarks: watermarks)
        var lanes = [[Int]](repeating: [], count: background.stores.count)
        for index in dirty.indices {  // by index: iterating would copy each profile
            let partition = dirty[index].partition
            if options.storeStartsEmpty { writtenPartitions.insert(partition) }  // from the write on, the store may hold its users
            flight.latestEventMs.append(dirty[index].latestEventMs)
            if options.onProfilesWritten != nil {
                let state = dirty[index].new
                flight.observed += (steps.removeValue(forKey: state.userId) ?? []).map { ($0, partition) } + [(state, partition)]
            }
            lanes[background.lane(of: partition)].append(index)
        }
        steps.removeAll(keepingCapacity: true)
        writingLanes = lanes
        let (tagVersions, generation, epochs) = (tagVersions, profileGeneration, options.deferWrites ? [:] : epochs)
        let stateKeys = evaluator.definitions.stateKeys
        // Moved into their lanes, not copied: a copy retains (and the array's end releases)
        // every buffer of two states per user.
        var laneItems = lanes.map { indices in
            var items: [PendingProfileWrite] = []
            items.reserveCapacity(indices.count)
            return items
        }
        while let snapshot = dirty.popLast() { laneItems[background.lane(of: snapshot.partition)].append(snapshot) }
        // Each lane's snapshots are now in reverse order of the lane's indices, so taking them
        // from the end gives that order. (Reversing them, as before, copied each one: an array's
        // `swapAt` copies non-trivial elements.)
        let byLane = laneItems.indices.map { lane in
            var items: [PendingProfileWrite] = []
            swap(&items, &laneItems[lane])
            return LaneSnapshots(items)
        }
        background.start { store, lane in
            // Taken one transaction's worth at a time, from the end, each snapshot let go once
            // its write is built: a recompute's checkpoint of a whole partition would otherwise
            // hold every user's snapshot and write until the last one is acknowledged. The next
            // transaction is built while Redis runs the one sent: compute and I/O overlap.
            let snapshots = byLane[lane]
            var outcomes = [WriteOutcome](repeating: .written, count: snapshots.items.count)
            var sent: (range: Range<Int>, transaction: SentTransaction)?
            var taken = 0
            while true {
                var next: (range: Range<Int>, prepared: PreparedTransaction)?
                if !snapshots.items.isEmpty {
                    let count = min(snapshots.items.count, RedisProfileStore.writesPerTransaction)
                    var writes: [ProfileWrite] = []
                    writes.reserveCapacity(count)
                    for _ in 0..<count { writes.append(snapshots.items.removeLast().write(tagVersions: tagVersions, stateKeys: stateKeys)) }
                    next = (taken..<taken + count, store.prepare(writes, updatedMs: Self.wallMs(), fenced: !epochs.isEmpty))
                    taken += count
                }
                if let sent { outcomes.replaceSubrange(sent.range, with: try store.finish(sent.transaction, generation: generation, epochs: epochs)) }
                guard let next else { break }
                sent = (next.range, try store.begin(next.prepared, generation: generation, epochs: epochs))
            }
            return outcomes
        }
        return flight
    }

    /// The flush's answer per user, in the order handed over.
    func finishWrite(blocking: Bool) throws -> [Bool]? {
        guard let result = background.wait(blocking: blocking) else { return nil }
        let byLane = try result.get()
        var outcomes = [Bool](repeating: true, count: writingLanes.reduce(0) { $0 + $1.count })
        for (lane, indices) in writingLanes.enumerated() {
            for (index, outcome) in zip(indices, byLane[lane]) { outcomes[index] = outcome == .written }
        }
        return outcomes
    }

    /// Redis acknowledged a flush: counts it, flushes the dead letters its inputs produced
    /// (before the runner commits them), and tells the benchmark hook, the pipeline status and
    /// the observer what was written.
    func written(_ flight: FlushInFlight, outcomes: [Bool], inputs: Int, refusedKeyGroups refused: Set<Int32>) throws {
        let now = Self.wallMs()
        var lags: [Int64] = []
        var written = 0
        for (index, isWritten) in outcomes.enumerated() {
            guard isWritten else {
                notOwnerCounter.increment()
                continue
            }
            written += 1
            if let eventMs = flight.latestEventMs[index] {
                lags.append(now - eventMs)
                freshness.record(Double(now - eventMs) / 1_000)
            }
        }
        writesCounter.increment(by: written)
        try deadLetters.flush()
        if inputs > 0 || written > 0 {
            options.onBatch?(inputs, written, lags)
            status.record(inputs: inputs, writes: written, lagsMs: lags)
        }
        if let observer = options.onProfilesWritten, !flight.observed.isEmpty || flight.watermarks != reportedWatermarks {
            observer(WrittenProfiles(profiles: flight.observed.filter { !refused.contains($0.partition) }, watermarks: flight.watermarks))
        }
        reportedWatermarks = flight.watermarks
    }

    /// What was not written is read again: the observer's steps of it go too.
    func forgetUncheckpointed() { steps.removeAll() }
}

/// One lane's snapshots, handed over to the lane's thread, which empties it as it writes.
/// `@unchecked Sendable`: after `BackgroundFlush.start` hands it over, only that lane's thread
/// touches it (the thread's start orders the hand-over before any use).
final class LaneSnapshots: @unchecked Sendable {
    var items: [PendingProfileWrite]

    init(_ items: [PendingProfileWrite]) {
        self.items = items
    }
}
