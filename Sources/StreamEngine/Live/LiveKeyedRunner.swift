import Foundation
import Synchronization

/// Runs a ``LiveKeyedJob`` over a ``SplitSource`` whose splits come and go (docs/ENGINE.md,
/// "Live keyed jobs"): the engine's loop for unbounded keyed work whose state is larger than
/// memory and lives beside the job's results.
///
/// Each loop: poll → take a new assignment if the source's changed (checkpoint first, then
/// start the keyed state over for the key groups owned now) → let the job prepare (broadcast
/// inputs) → read the records, advance the splits' watermarks, load missing keys in one call
/// and fold each key's inputs into its held value → fire due timers per key group → a slice of
/// visits → finish the checkpoint in flight without waiting → start the next one when due.
///
/// Checkpoint-to-commit: a checkpoint writes every dirty key once, in the background while the
/// loop folds on; the source's positions are committed only once the job's write of everything
/// read before them is acknowledged, so a crash reads again from the committed positions. A
/// key group whose write was refused (it has a new owner) is dropped and not committed.
public final class LiveKeyedRunner<Job: LiveKeyedJob> {
    public let job: Job
    public let source: any SplitSource<Job.Record, Job.Position>
    public let options: LiveRunnerOptions

    /// The key groups owned now.
    public var owned: Set<Int32> { ownedKeyGroups }
    @usableFromInline var ownedKeyGroups: Set<Int32> = []
    /// The splits' event-time progress, combined per key group.
    public var watermarks: SplitWatermarks
    /// The keyed state held in memory.
    public var state: HeldKeyedState<Job.Key, Job.Value> { held }
    @usableFromInline var held = HeldKeyedState<Job.Key, Job.Value>()
    @usableFromInline var timers = KeyGroupTimers<Job.Key>()
    /// Each owned key group's watermark as its timers last fired.
    @usableFromInline var keyGroupWatermarks: [Int32: Int64] = [:]
    /// Where each split resumes once the next checkpoint is acknowledged.
    @usableFromInline var positions: [SplitWatermarks.Split: (keyGroup: Int32, position: Job.Position)] = [:]
    @usableFromInline var inputsSinceCheckpoint = 0
    @usableFromInline var inFlight: CheckpointInFlight?
    @usableFromInline var lastCheckpointMs: Int64 = 0
    /// Key groups a bounded source finished, whose keys were written and let go.
    @usableFromInline var released: Set<Int32> = []
    /// Key groups whose keys are still to be visited, with where each one's scan stands.
    @usableFromInline var visits: [Int32: String] = [:]
    @usableFromInline var visited = 0
    @usableFromInline var visitSlices = 0
    @usableFromInline var lastActivityMs: Int64 = 0
    /// Set when the source's assignment may have changed (its rebalance callback, a refused
    /// write, a skipped commit); the loop takes the assignment again before the next batch.
    @usableFromInline let assignmentChanged: AssignmentFlag
    /// The engine's wall clock (idleness, checkpoint intervals).
    @usableFromInline let clock = SystemClock()
    /// How long to wait before retrying after the store failed; doubles up to 5 s.
    @usableFromInline var retryBackoffMs: UInt32 = 0

    @usableFromInline struct CheckpointInFlight {
        @usableFromInline var keys: [Job.Key]
        @usableFromInline var keyGroups: [Int32]
        @usableFromInline var positions: [(keyGroup: Int32, position: Job.Position)]
        @usableFromInline var inputs: Int
        @usableFromInline var pending: Job.PendingWrite

        @inlinable init(keys: [Job.Key], keyGroups: [Int32], positions: [(keyGroup: Int32, position: Job.Position)], inputs: Int, pending: Job.PendingWrite) {
            self.keys = keys
            self.keyGroups = keyGroups
            self.positions = positions
            self.inputs = inputs
            self.pending = pending
        }
    }

    /// `assignmentChanged` is the flag the source's rebalance callback sets.
    public init(
        job: Job, source: any SplitSource<Job.Record, Job.Position>, assignmentChanged: AssignmentFlag,
        watermarks: SplitWatermarks, options: LiveRunnerOptions
    ) {
        self.job = job
        self.assignmentChanged = assignmentChanged
        self.source = source
        self.watermarks = watermarks
        self.options = options
    }

    /// Runs until the job says stop, a bounded source is done, or (with `exitWhenIdleMs`) the
    /// input is idle and fully read; then checkpoints what is left.
    @inlinable public func run() throws {
        lastActivityMs = clock.now()
        while !job.shouldStop {
            var records = try source.poll(maxRecords: options.maxBatch, timeoutMs: options.pollTimeoutMs)
            var fired = 0
            do {
                let changed = assignmentChanged.take()
                if changed { records = try adoptAssignment(records) }
                records = try job.prepare(records, assignmentChanged: changed, runner: self)
                if !records.isEmpty { try process(records) }
                fired = try fireTimers()
                try releaseFinishedKeyGroups()
                try continueVisits()
                try completeCheckpoint(blocking: false)
                if try checkpointIsDue(polled: records.count) { try checkpoint(wait: false) }
            } catch {
                guard try job.recover(from: error, runner: self) else { throw error }
                continue
            }
            retryBackoffMs = 0
            job.finishedBatch(records: records.count, timersFired: fired, runner: self)
            if !records.isEmpty || fired > 0 || !visits.isEmpty { lastActivityMs = clock.now() }
            if source.isExhausted, records.isEmpty, fired == 0, visits.isEmpty { break }
            if let idle = options.exitWhenIdleMs, clock.now() - lastActivityMs >= idle, !owned.isEmpty {
                if try source.lag() == 0 { break }
                lastActivityMs = clock.now()  // quiet, but not at the end yet (a slow fetch): keep going
            }
        }
        try checkpoint()
        source.close()
    }

    // MARK: Assignment

    /// Takes the key groups assigned now: checkpoints what changed under the ones held so far
    /// (writes of key groups another owner took meanwhile are refused), lets the job take
    /// ownership, starts the keyed state over, and reads every owned split again from its
    /// committed position, dropping the records already polled.
    ///
    /// Whatever was read but not written (a refused checkpoint's inputs, records polled before
    /// the change) is so read again, in order, from where the store left off: a committed
    /// position never passes what the store holds. Reading on from the current position lost
    /// a refused write's inputs for good, since later inputs of the same users moved their
    /// fences past them (a stale owner re-taking its old partitions' epochs got the live
    /// owner's write refused, and the live owner then carried on). A source that cannot rewind
    /// (a bounded replay) keeps the polled records of the key groups still owned.
    @inlinable func adoptAssignment(_ records: [Job.Record]) throws -> [Job.Record] {
        try checkpoint()
        ownedKeyGroups = try source.assignedKeyGroups()
        lastActivityMs = clock.now()  // idleness counts from when there is something to read
        watermarks.retain(keyGroups: owned)
        try job.assigned(owned, runner: self)
        try resetKeyedState()  // another owner may have written our new keys meanwhile
        if try source.rewindToCommitted() {
            if !records.isEmpty { job.note(.polledRecordsReadAgain(records.count)) }
            return []
        }
        var kept: [Job.Record] = []
        kept.reserveCapacity(records.count)
        for record in records where owned.contains(job.keyGroup(of: record)) { kept.append(record) }
        if kept.count < records.count { job.note(.recordsOfGivenUpKeyGroupsDropped(records.count - kept.count)) }
        return kept
    }

    /// Starts the keyed state over for the key groups owned now: nothing held in memory, and
    /// their timers read from the store (a bounded run keeps its own).
    @inlinable public func resetKeyedState() throws {
        discardUncheckpointed()
        var seeded = KeyGroupTimers<Job.Key>()
        for keyGroup in owned.sorted() {
            guard let stored = try job.storedTimers(of: keyGroup) else { return }
            for timer in stored { seeded.move(keyGroup: keyGroup, key: timer.key, from: nil, to: timer.timeMs) }
        }
        timers = seeded
        released = []
    }

    /// The store failed mid-batch: waits (with a doubling backoff), forgets what is not
    /// checkpointed, and reads every owned split again from its committed position (writes
    /// that landed before the failure must be idempotent: the profile job's fences skip them).
    /// Returns false for a source that cannot rewind (a bounded run fails instead).
    @inlinable public func retryAfterStoreFailure() throws -> Bool {
        retryBackoffMs = min(max(retryBackoffMs * 2, 100), 5_000)
        job.note(.retryingAfterStoreFailure(inMs: Int(retryBackoffMs)))
        usleep(retryBackoffMs * 1_000)
        discardUncheckpointed()
        guard try source.rewindToCommitted() else { return false }
        assignmentChanged.set()  // take ownership again: another owner may have it now
        return true
    }

    // MARK: Records

    @inlinable func process(_ records: [Job.Record]) throws {
        let wall = clock.now()
        // Each key's inputs in arrival order, and its keys in first-arrival order: one hash of
        // the key per record (three lookups of three tables cost ~2 % of a recompute).
        var slots: [Job.Key: Int] = [:]
        var order: [Job.Key] = []
        var inputs: [[Job.Input]] = []
        var keyGroups: [Int32] = []
        for record in records {
            let read = try job.read(record, watermarks: &watermarks)
            positions[read.split] = (read.keyGroup, read.resume)
            guard let (key, input) = read.keyed else { continue }
            if let eventMs = read.eventMs { watermarks.observe(split: read.split, eventMs: eventMs, wallMs: wall) }
            let slot = Self.slot(of: key, in: &slots, next: order.count)
            if slot == order.count {
                order.append(key)
                inputs.append([input])
                keyGroups.append(read.keyGroup)
            } else {
                inputs[slot].append(input)
                keyGroups[slot] = read.keyGroup
            }
        }
        inputsSinceCheckpoint += records.count
        // One round trip for every key the batch reads from the store.
        try load(order, keyGroups: keyGroups)
        for index in order.indices {
            update(order[index]) { value, isDirty in job.fold(inputs[index], into: &value, key: order[index], isDirty: isDirty) }
        }
    }

    /// `key`'s slot, given `next` (inserted) when it has none: one hash, through the table's
    /// in-place access.
    @inlinable static func slot(of key: Job.Key, in slots: inout [Job.Key: Int], next: Int) -> Int {
        func take(_ slot: inout Int) -> Int {
            if slot < 0 { slot = next }
            return slot
        }
        return take(&slots[key, default: -1])
    }

    /// Reads the stored values of those of `keys` not held yet into memory, in one call.
    @inlinable func load(_ wanted: [Job.Key], keyGroupOf: (Job.Key) -> Int32) throws {
        try load(wanted, keyGroups: wanted.map(keyGroupOf))
    }

    /// Reads the stored values of those of `wanted` (in key groups `keyGroups`, index by
    /// index) not held yet into memory, in one call.
    @inlinable func load(_ wanted: [Job.Key], keyGroups wantedKeyGroups: [Int32]) throws {
        var (keys, keyGroups): ([Job.Key], [Int32]) = ([], [])
        for index in wanted.indices where !held.contains(wanted[index]) {
            keys.append(wanted[index])
            keyGroups.append(wantedKeyGroups[index])
        }
        guard !keys.isEmpty else { return }
        let values = try job.load(keys, keyGroups: keyGroups)
        for index in keys.indices {
            held.hold(keys[index], value: values[index], keyGroup: keyGroups[index], footprint: measuresFootprints ? job.footprint(of: values[index]) : 0)
        }
    }

    /// Values' footprints are measured only when bytes are bounded: it happens after every change.
    @inlinable var measuresFootprints: Bool { options.stateByteLimit != .max }

    /// Lets `change` change a held key's value; a change makes it dirty and moves its timer.
    @inlinable @discardableResult
    func update(_ key: Job.Key, _ change: (inout Job.Value, Bool) -> Bool) -> Bool {
        var timerMove: (keyGroup: Int32, from: Int64?, to: Int64?)?
        let changed = held.update(key, measure: measuresFootprints ? job.footprint : nil) { value, isDirty, keyGroup in
            let before = job.timer(of: value)
            guard change(&value, isDirty) else { return false }
            timerMove = (keyGroup, before, job.timer(of: value))
            return true
        }
        guard changed == true, let move = timerMove else { return false }
        timers.move(keyGroup: move.keyGroup, key: key, from: move.from, to: move.to)
        return true
    }

    // MARK: Timers

    /// Fires the timers event time has passed, key group by key group.
    @inlinable func fireTimers() throws -> Int {
        var fired = 0
        keyGroupWatermarks = keyGroupWatermarks.filter { owned.contains($0.key) }
        // A finished bounded source holds nothing back: every split counts as idle.
        let wall = clock.now() + (source.isExhausted ? options.idleTimeoutMs : 0)
        for keyGroup in owned.sorted() {
            let watermark = watermarks.watermark(keyGroup: keyGroup, wallMs: wall)
            guard watermark > .min else { continue }
            keyGroupWatermarks[keyGroup] = watermark
            for _ in 0..<20 {  // bounded per loop so input keeps flowing
                let round = try fireDueTimers(keyGroup: keyGroup, upTo: watermark)
                if round.due == 0 { break }
                fired += round.changed
            }
        }
        return fired
    }

    /// Fires up to about a thousand of `keyGroup`'s timers due by `watermark`: how many were
    /// due (0: none left) and how many of them changed a value.
    @inlinable func fireDueTimers(keyGroup: Int32, upTo watermark: Int64) throws -> (due: Int, changed: Int) {
        let due = dueTimers(keyGroup: keyGroup, upTo: watermark)
        if due.isEmpty { return (0, 0) }
        let keys = due.map(\.key)
        var from: [Job.Key: Int64] = [:]
        for timer in due { from[timer.key] = max(from[timer.key] ?? .min, timer.timeMs) }
        try load(keys, keyGroupOf: { _ in keyGroup })
        var fired = 0
        for key in keys {
            let changed = update(key) { value, isDirty in
                job.fireTimers(&value, key: key, from: from[key] ?? .min, upTo: watermark, isDirty: isDirty)
            }
            if changed { fired += 1 }
        }
        return (due.count, fired)
    }

    /// The keys of `keyGroup` whose timer is due by `watermark`. Moves keep the queue exact; an
    /// entry that disagrees with a held value's timer is still skipped, as a safeguard.
    @inlinable func dueTimers(keyGroup: Int32, upTo watermark: Int64) -> [(key: Job.Key, timeMs: Int64)] {
        while true {
            let popped = timers.popDue(keyGroup: keyGroup, upTo: watermark, limit: 1_000)
            if popped.isEmpty { return [] }
            var seen: Set<Job.Key> = []
            let current = popped.filter { entry in
                if let timer = held.read(entry.key, { job.timer(of: $0) }), timer != entry.timeMs { return false }
                return seen.insert(entry.key).inserted
            }
            if !current.isEmpty { return current }
        }
    }

    /// Lets go of the key groups the source finished: their timers fire up to their final
    /// watermark (as at the end of a bounded run), their dirty keys are written, and their keys
    /// and timers leave memory. A replay read key group after key group then holds one key
    /// group's keys at a time, each written once.
    @inlinable func releaseFinishedKeyGroups() throws {
        let finished = source.finishedKeyGroups.intersection(owned).subtracting(released)
        guard !finished.isEmpty else { return }
        let wall = clock.now() + options.idleTimeoutMs  // nothing more comes: every split is idle
        for keyGroup in finished.sorted() {
            let watermark = watermarks.watermark(keyGroup: keyGroup, wallMs: wall)
            guard watermark > .min else { continue }
            keyGroupWatermarks[keyGroup] = watermark
            while try fireDueTimers(keyGroup: keyGroup, upTo: watermark).due > 0 {}
        }
        try checkpoint(wait: false)
        held.removeAll(inKeyGroups: finished)
        timers.removeAll(inKeyGroups: finished)
        released.formUnion(finished)
    }

    // MARK: Visits (broadcast changes)

    /// Queues every stored key of `keyGroups` to be visited (from the start of each one's scan,
    /// also when a scan was under way: it was for an older broadcast).
    @inlinable public func visitAll(of keyGroups: Set<Int32>) {
        for keyGroup in keyGroups { visits[keyGroup] = "0" }
    }

    /// Visits the next pages of queued keys for at most `visitSliceMs`, so a broadcast change
    /// over millions of keys never keeps the loop from polling (and the group from hearing of
    /// this member within its poll interval). Keys that receive inputs meanwhile see the change
    /// anyway.
    @inlinable func continueVisits() throws {
        guard !visits.isEmpty else { return }
        visitSlices += 1
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.visitSliceMs) * 1_000_000
        var pages = 0  // at least one page per slice, however short
        while let keyGroup = visits.keys.min(), pages == 0 || DispatchTime.now().uptimeNanoseconds < deadline {
            pages += 1
            guard owned.contains(keyGroup), let cursor = visits[keyGroup] else {
                visits.removeValue(forKey: keyGroup)
                continue
            }
            let page = try job.keys(of: keyGroup, cursor: cursor)
            try load(page.keys, keyGroupOf: { _ in keyGroup })
            for key in page.keys where update(key, { value, isDirty in job.revisit(&value, key: key, isDirty: isDirty) }) { visited += 1 }
            visits[keyGroup] = page.cursor == "0" ? nil : page.cursor
            if options.checkpointsOnlyWhenFull ? isFull : held.dirtyCount >= options.checkpointKeys {
                try checkpoint(wait: false)
            }
        }
        if visits.isEmpty {
            job.note(.visitsDone(changed: visited, slices: visitSlices))
            visited = 0
            visitSlices = 0
        }
    }

    // MARK: Checkpoints

    /// Whether to checkpoint now. Caught up (the poll did not fill a batch): as soon as the
    /// previous checkpoint is acknowledged, for freshness. Behind: every
    /// `checkpointIntervalMs` or after `checkpointKeys` dirty keys, so a backlog coalesces many
    /// inputs per write. A bounded run: only when it holds more than `stateLimit` values or
    /// `stateByteLimit` bytes.
    @inlinable func checkpointIsDue(polled: Int) throws -> Bool {
        if options.checkpointsOnlyWhenFull { return isFull }
        if held.dirtyCount >= options.checkpointKeys { return true }
        let caughtUp = try polled == 0 || (source.backlog() ?? .max) < Int64(options.maxBatch)
        if caughtUp { return inFlight == nil }
        return clock.now() - lastCheckpointMs >= options.checkpointIntervalMs
    }

    /// More values held, or more bytes, than the options allow.
    @inlinable var isFull: Bool { held.count > options.stateLimit || held.bytes > options.stateByteLimit }

    /// Writes every dirty key once (in the background while the loop folds on), then commits
    /// the positions read so far once that write is acknowledged. With `wait` (before anything
    /// that needs the store up to date) it is awaited. The previous checkpoint is always
    /// completed first, so checkpoints land in order.
    @inlinable public func checkpoint(wait: Bool = true) throws {
        try completeCheckpoint()
        lastCheckpointMs = clock.now()
        if isFull { held.evictClean(downTo: options.stateLimit * 3 / 4, bytes: options.stateByteLimit / 4 * 3) }
        var keys: [Job.Key] = []
        var keyGroups: [Int32] = []
        var dirty: [Job.Snapshot] = []
        keys.reserveCapacity(held.dirtyCount)
        keyGroups.reserveCapacity(held.dirtyCount)
        dirty.reserveCapacity(held.dirtyCount)
        held.takeDirty { key, entry in
            keys.append(key)
            keyGroups.append(entry.keyGroup)
            dirty.append(job.snapshot(&entry.value, key: key, keyGroup: entry.keyGroup))
        }
        let taken = positions.values.map { $0 }
        positions.removeAll(keepingCapacity: true)
        let inputs = inputsSinceCheckpoint
        inputsSinceCheckpoint = 0
        guard let pending = job.startWrite(consume dirty, watermarks: keyGroupWatermarks, carriesProgress: !taken.isEmpty || inputs > 0) else { return }
        inFlight = CheckpointInFlight(keys: keys, keyGroups: keyGroups, positions: taken, inputs: inputs, pending: pending)
        if wait { try completeCheckpoint() }
    }

    /// Takes the checkpoint in flight once acknowledged (without `blocking`, only if it has
    /// finished): drops the keys whose write was refused, lets the job hear of the outcome, and
    /// commits the positions of every key group not refused.
    @inlinable func completeCheckpoint(blocking: Bool = true) throws {
        guard let flight = inFlight, let outcomes = try job.finishWrite(blocking: blocking) else { return }
        inFlight = nil
        var refused: Set<Int32> = []
        for (index, written) in outcomes.enumerated() where !written { refused.insert(flight.keyGroups[index]) }
        if !refused.isEmpty {
            // Until the assignment is taken again, nothing of those key groups is held or
            // committed: inputs read since the refused checkpoint would otherwise be committed
            // with no write behind them.
            held.removeAll(inKeyGroups: refused)
            positions = positions.filter { !refused.contains($0.value.keyGroup) }
            job.note(.writesRefused(keyGroups: refused))
            assignmentChanged.set()  // find out what is still owned
        }
        try job.written(flight.pending, outcomes: outcomes, inputs: flight.inputs, refusedKeyGroups: refused)
        // A refused key group's records were not written: its position must not move (whoever
        // owns it now, this runner again included, reads them from the committed position).
        let commits = flight.positions.filter { !refused.contains($0.keyGroup) }.map(\.position)
        if !commits.isEmpty, try !source.commit(commits) {
            job.note(.commitSkipped)
            assignmentChanged.set()
        }
    }

    /// Forgets everything not yet acknowledged (after a failure: its records are read again).
    @inlinable func discardUncheckpointed() {
        if inFlight != nil { _ = try? job.finishWrite(blocking: true) }
        inFlight = nil
        held.removeAll()
        positions.removeAll()
        inputsSinceCheckpoint = 0
        job.forgetUncheckpointed()
    }

}

/// What a ``LiveKeyedRunner`` tells its job (to log and count).
public enum LiveRunnerEvent: Sendable, Equatable {
    case recordsOfGivenUpKeyGroupsDropped(Int)
    /// Records polled before the assignment was taken again, dropped: they are read again from
    /// the committed positions.
    case polledRecordsReadAgain(Int)
    case writesRefused(keyGroups: Set<Int32>)
    case commitSkipped
    case visitsDone(changed: Int, slices: Int)
    case retryingAfterStoreFailure(inMs: Int)
}

/// "The assignment may have changed", set from any thread (a Kafka rebalance callback runs on
/// the polling thread inside `poll`), taken by the loop after `poll` returns.
public final class AssignmentFlag: Sendable {
    @usableFromInline let flag = Atomic<Bool>(true)  // the first loop takes the initial assignment
    public init() {}
    @inlinable public func set() { flag.store(true, ordering: .relaxed) }
    @usableFromInline func take() -> Bool { flag.exchange(false, ordering: .relaxed) }
}
