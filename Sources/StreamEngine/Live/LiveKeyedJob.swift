/// What a ``LiveKeyedRunner`` runs: a keyed computation over a ``SplitSource`` whose state
/// lives in a store beside its results (the profile job: Kafka in, Redis for state and
/// profiles). The runner owns the loop, the splits' watermarks, the held keyed state, the
/// timers, the visits of every key of a key group, and the checkpoint-to-commit protocol; the
/// job says what a record means, how a value changes, and how values are loaded and written.
public protocol LiveKeyedJob: AnyObject {
    associatedtype Record
    associatedtype Position
    associatedtype Key: StateHashable & StateCodable
    /// One decoded input of a key.
    associatedtype Input
    /// A key's held state.
    associatedtype Value
    /// What a checkpoint's write needs of one dirty value, taken as it is at the checkpoint
    /// (the loop changes the held value on while the write runs).
    associatedtype Snapshot
    /// What the job keeps of a checkpoint whose write is in flight.
    associatedtype PendingWrite

    // MARK: Records

    /// Reads one record: its split (registered in `watermarks` on first sight), the position
    /// its split resumes at after it, and the key's input it carries, if any (an ignored or
    /// dead-lettered record carries none), with the event time that moves watermarks.
    func read(_ record: Record, watermarks: inout SplitWatermarks) throws -> LiveRecord<Key, Input, Position>
    /// The key group of a record's split, without reading it.
    func keyGroup(of record: Record) -> Int32

    // MARK: Keyed state

    /// The stored values of `keys` (lazily, the first time each is touched), each in the key
    /// group given beside it.
    func load(_ keys: [Key], keyGroups: [Int32]) throws -> [Value]
    /// The value's pending event-time timer.
    func timer(of value: Value) -> Int64?
    /// About how many bytes a held value takes (an estimate the runner bounds memory with,
    /// `LiveRunnerOptions.stateByteLimit`; when that is set, it is measured after every change,
    /// so it must be cheap).
    func footprint(of value: Value) -> Int
    /// Folds a key's inputs (in arrival order) into its value; returns whether it changed.
    func fold(_ inputs: [Input], into value: inout Value, key: Key, isDirty: Bool) -> Bool
    /// Fires the value's timers from `timeMs` up to `watermark`; returns whether it changed.
    func fireTimers(_ value: inout Value, key: Key, from timeMs: Int64, upTo watermark: Int64, isDirty: Bool) -> Bool
    /// Visits a value after a broadcast change (definitions, models); returns whether it changed.
    func revisit(_ value: inout Value, key: Key, isDirty: Bool) -> Bool
    /// A page of the stored keys of `keyGroup` from `cursor` ("0" starts; a returned "0" ends).
    func keys(of keyGroup: Int32, cursor: String) throws -> (keys: [Key], cursor: String)
    /// The stored timers of `keyGroup`, read when it is taken; `nil` keeps the held timers (a
    /// bounded run, which starts with nothing stored).
    func storedTimers(of keyGroup: Int32) throws -> [(key: Key, timeMs: Int64)]?

    // MARK: Checkpoints

    /// A dirty value goes into a checkpoint: returns what its write needs and marks it written
    /// (if the write fails, everything not committed is read again). Taking what is not needed
    /// any more (the previously stored value) instead of copying keeps a checkpoint cheap.
    func snapshot(_ value: inout Value, key: Key, keyGroup: Int32) -> Snapshot
    /// Starts writing the dirty values' snapshots in the background; `watermarks` are the key
    /// groups' watermarks the checkpoint covers, and `carriesProgress` says whether records were
    /// read since the last one (positions to commit). `nil`: nothing to write.
    func startWrite(_ dirty: consuming [Snapshot], watermarks: [Int32: Int64], carriesProgress: Bool) -> PendingWrite?
    /// The write's answer per dirty key (true: written; false: refused, another owner holds its
    /// key group), once it is there; without `blocking`, `nil` while it is still running.
    func finishWrite(blocking: Bool) throws -> [Bool]?
    /// The write was acknowledged (before the source commits): what was refused is dropped.
    func written(_ pending: PendingWrite, outcomes: [Bool], inputs: Int, refusedKeyGroups: Set<Int32>) throws

    /// Everything not checkpointed was forgotten (a reset, a failure): forget what the job
    /// kept of it.
    func forgetUncheckpointed()

    // MARK: The loop's moments

    /// The runner took a new assignment (after checkpointing what it held and before loading
    /// anything of the new key groups): check for lost records, take ownership.
    func assigned(_ keyGroups: Set<Int32>, runner: LiveKeyedRunner<Self>) throws
    /// Before each batch is processed (after an assignment change): broadcast inputs
    /// (definitions, models) and anything else that moves under the job. Returns the records
    /// still to process.
    func prepare(_ records: [Record], assignmentChanged: Bool, runner: LiveKeyedRunner<Self>) throws -> [Record]
    /// A batch failed with `error`: handle it and return true to carry on with the next poll,
    /// or false to end the run with it.
    func recover(from error: any Error, runner: LiveKeyedRunner<Self>) throws -> Bool
    /// A batch ended (logging, status reports).
    func finishedBatch(records: Int, timersFired: Int, runner: LiveKeyedRunner<Self>)
    /// What the runner reports (to log and count).
    func note(_ event: LiveRunnerEvent)
    /// Whether to stop before the next poll.
    var shouldStop: Bool { get }
}

/// One record as a ``LiveKeyedJob`` read it.
public struct LiveRecord<Key, Input, Position> {
    public var split: SplitWatermarks.Split
    public var keyGroup: Int32
    /// Where the split resumes after this record.
    public var resume: Position
    /// The key's input, if the record carries one.
    public var keyed: (key: Key, input: Input)?
    /// The input's event time, when it moves watermarks (a row change's commit time does not).
    public var eventMs: Int64?

    public init(split: SplitWatermarks.Split, keyGroup: Int32, resume: Position, keyed: (key: Key, input: Input)?, eventMs: Int64?) {
        self.split = split
        self.keyGroup = keyGroup
        self.resume = resume
        self.keyed = keyed
        self.eventMs = eventMs
    }
}

/// How a ``LiveKeyedRunner`` batches, checkpoints and bounds memory.
public struct LiveRunnerOptions: Sendable {
    public var maxBatch = 5_000
    public var pollTimeoutMs = 100
    /// Values held in memory; beyond it, clean ones are dropped after a checkpoint.
    public var stateLimit = 200_000
    /// Bytes the held values may take (their footprints); beyond it, clean ones are dropped
    /// after a checkpoint, as beyond `stateLimit`.
    public var stateByteLimit = Int.max
    /// How often a checkpoint is taken when behind, at most.
    public var checkpointIntervalMs: Int64 = 200
    /// Dirty keys that make a checkpoint due before the interval.
    public var checkpointKeys = 20_000
    /// A bounded run writes once at its end, or earlier only when it holds more than
    /// `stateLimit` values or `stateByteLimit` bytes (nothing reads its results before it ends).
    public var checkpointsOnlyWhenFull = false
    /// How long each loop spends visiting keys after a broadcast change before it polls again.
    public var visitSliceMs = 100
    /// Idleness of a split (for a finished bounded source, every split counts as idle).
    public var idleTimeoutMs: Int64 = 2_000
    /// Stop after this long without input, due timers or visits; `nil` runs until stopped.
    public var exitWhenIdleMs: Int64?

    public init() {}
}
