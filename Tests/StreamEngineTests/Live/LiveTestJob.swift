import StreamEngine

/// A record of the runner tests: `value` for `key` at `eventMs`, read from split `keyGroup`.
struct LiveTestRecord {
    var keyGroup: Int32
    var offset: Int64
    var key: String
    var value: Int64
    var eventMs: Int64
}

/// A split source over fixed records, in order; bounded. Commits are logged.
final class ScriptedSplits: SplitSource {
    var records: [LiveTestRecord]
    var next = 0
    var keyGroups: Set<Int32>
    var commits: [[LiveTestPosition]] = []
    /// What `commit` answers (false: the assignment was changing).
    var acceptsCommits = true
    /// Reports key groups with nothing left to read as finished (a replay in key group order).
    var reportsFinishedKeyGroups = false

    init(_ records: [LiveTestRecord], keyGroups: Set<Int32>) {
        self.records = records
        self.keyGroups = keyGroups
    }

    func poll(maxRecords: Int, timeoutMs: Int) throws -> [LiveTestRecord] {
        let batch = Array(records[next..<min(next + maxRecords, records.count)])
        next += batch.count
        return batch
    }
    func assignedKeyGroups() throws -> Set<Int32> { keyGroups }
    func commit(_ positions: [LiveTestPosition]) throws -> Bool {
        guard acceptsCommits else { return false }
        commits.append(positions.sorted { $0.keyGroup < $1.keyGroup })
        return true
    }
    func lag() throws -> Int64? { Int64(records.count - next) }
    func backlog() throws -> Int64? { Int64(records.count - next) }
    func rewindToCommitted() throws -> Bool { false }
    var isExhausted: Bool { next == records.count }
    var finishedKeyGroups: Set<Int32> {
        guard reportsFinishedKeyGroups else { return [] }
        return keyGroups.subtracting(records[next...].map(\.keyGroup))
    }
    func close() {}
}

struct LiveTestPosition: Equatable {
    var keyGroup: Int32
    var offset: Int64
}

/// A key's running sum, with a timer `timerDelayMs` after its newest input that counts how
/// often it fired.
struct LiveTestValue: Equatable {
    var sum: Int64 = 0
    var timerMs: Int64?
    var fired = 0
    var visits = 0
}

/// Sums values per key; "the store" is a dictionary written at each acknowledged checkpoint.
/// Writes of `refusing` key groups are refused.
final class SumJob: LiveKeyedJob {
    typealias Record = LiveTestRecord
    typealias Position = LiveTestPosition
    typealias Key = String
    typealias Input = LiveTestRecord
    typealias Value = LiveTestValue
    typealias Snapshot = (key: String, keyGroup: Int32, value: LiveTestValue)
    typealias PendingWrite = [Snapshot]

    var stored: [String: LiveTestValue] = [:]
    var storedKeyGroups: [Int32: [String]] = [:]
    var loads: [String] = []
    /// The keys of each write started, in order.
    var writes: [[String]] = []
    var refusing: Set<Int32> = []
    var assignments: [Set<Int32>] = []
    var events: [LiveRunnerEvent] = []
    var timerDelayMs: Int64?
    /// Holds each write back for this many non-blocking looks before acknowledging it.
    var acknowledgeAfterLooks = 0
    private var looks = 0
    private var writing: PendingWrite?
    /// A broadcast change to announce before the batch after this many batches.
    var broadcastAfterBatches: Int?
    private var batches = 0

    func read(_ record: LiveTestRecord, watermarks: inout SplitWatermarks) throws -> LiveRecord<String, LiveTestRecord, LiveTestPosition> {
        let split = watermarks.register(split: "t/\(record.keyGroup)", keyGroup: record.keyGroup)
        return LiveRecord(
            split: split, keyGroup: record.keyGroup, resume: LiveTestPosition(keyGroup: record.keyGroup, offset: record.offset + 1),
            keyed: (record.key, record), eventMs: record.eventMs)
    }
    func keyGroup(of record: LiveTestRecord) -> Int32 { record.keyGroup }

    func load(_ keys: [String], keyGroups: [Int32]) throws -> [LiveTestValue] {
        loads += keys
        return keys.map { stored[$0] ?? LiveTestValue() }
    }
    func timer(of value: LiveTestValue) -> Int64? { value.timerMs }
    /// A value's footprint grows with its sum, so tests can bound memory by bytes.
    func footprint(of value: LiveTestValue) -> Int { 100 + Int(value.sum) }
    func fold(_ inputs: [LiveTestRecord], into value: inout LiveTestValue, key: String, isDirty: Bool) -> Bool {
        for input in inputs {
            value.sum += input.value
            if let delay = timerDelayMs { value.timerMs = input.eventMs + delay }
        }
        return true
    }
    func fireTimers(_ value: inout LiveTestValue, key: String, from timeMs: Int64, upTo watermark: Int64, isDirty: Bool) -> Bool {
        value.fired += 1
        value.timerMs = nil
        return true
    }
    func revisit(_ value: inout LiveTestValue, key: String, isDirty: Bool) -> Bool {
        value.visits += 1
        return true
    }
    func keys(of keyGroup: Int32, cursor: String) throws -> (keys: [String], cursor: String) {
        let all = (storedKeyGroups[keyGroup] ?? []).sorted()
        let start = Int(cursor) ?? 0
        let end = min(start + 2, all.count)
        return (Array(all[start..<end]), end == all.count ? "0" : String(end))
    }
    func storedTimers(of keyGroup: Int32) throws -> [(key: String, timeMs: Int64)]? {
        (storedKeyGroups[keyGroup] ?? []).compactMap { key in stored[key]?.timerMs.map { (key, $0) } }
    }

    func snapshot(_ value: inout LiveTestValue, key: String, keyGroup: Int32) -> Snapshot { (key, keyGroup, value) }
    func startWrite(_ dirty: consuming PendingWrite, watermarks: [Int32: Int64], carriesProgress: Bool) -> PendingWrite? {
        guard !dirty.isEmpty || carriesProgress else { return nil }
        writing = dirty
        writes.append(dirty.map(\.key))
        looks = 0
        return dirty
    }
    func finishWrite(blocking: Bool) throws -> [Bool]? {
        guard let dirty = writing else { return nil }
        if !blocking, looks < acknowledgeAfterLooks {
            looks += 1
            return nil
        }
        writing = nil
        return dirty.map { !refusing.contains($0.keyGroup) }
    }
    func written(_ pending: PendingWrite, outcomes: [Bool], inputs: Int, refusedKeyGroups: Set<Int32>) throws {
        for (entry, written) in zip(pending, outcomes) where written {
            if stored[entry.key] == nil { storedKeyGroups[entry.keyGroup, default: []].append(entry.key) }
            stored[entry.key] = entry.value
        }
    }
    func forgetUncheckpointed() {}

    func assigned(_ keyGroups: Set<Int32>, runner: LiveKeyedRunner<SumJob>) throws { assignments.append(keyGroups) }
    func prepare(_ records: [LiveTestRecord], assignmentChanged: Bool, runner: LiveKeyedRunner<SumJob>) throws -> [LiveTestRecord] {
        batches += 1
        if let after = broadcastAfterBatches, batches == after + 1 {
            try runner.checkpoint()
            runner.visitAll(of: runner.owned)
        }
        return records
    }
    func recover(from error: any Error, runner: LiveKeyedRunner<SumJob>) throws -> Bool { false }
    func finishedBatch(records: Int, timersFired: Int, runner: LiveKeyedRunner<SumJob>) {}
    func note(_ event: LiveRunnerEvent) { events.append(event) }
    var shouldStop: Bool { false }
}

extension LiveKeyedRunner where Job == SumJob {
    /// A runner of `job` over `source`, watermarks without delay or wall clock, a checkpoint
    /// after every 3 changed keys.
    static func testing(_ job: SumJob, _ source: ScriptedSplits, configure: (inout LiveRunnerOptions) -> Void = { _ in }) -> LiveKeyedRunner<SumJob> {
        var options = LiveRunnerOptions()
        options.maxBatch = 4
        options.pollTimeoutMs = 0
        options.checkpointKeys = 3
        configure(&options)
        return LiveKeyedRunner(
            job: job, source: source, assignmentChanged: AssignmentFlag(),
            watermarks: SplitWatermarks(delayMs: 0, idleTimeoutMs: 1_000_000, followWallClock: false), options: options)
    }
}
