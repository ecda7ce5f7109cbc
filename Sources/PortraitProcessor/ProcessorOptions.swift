import PortraitCore
import StreamEngine

/// How `portrait process` runs.
public struct ProcessorOptions: Sendable {
    public var bootstrapServers: String
    /// The consumer group: processors with the same group share the partitions.
    public var groupId = "portrait-processor"
    /// Topic prefix (`portrait` → `portrait.events`, `portrait.control`, `portrait.dlq`).
    public var topicPrefix = "portrait"
    /// Prefix of CDC topics; default `<topicPrefix>.cdc`.
    public var cdcTopicPrefix: String?
    public var mapping: ProfileMapping
    /// How late an event may be before the watermark passes it.
    public var watermarkDelayMs: Int64 = 5_000
    /// When an input is idle this long, it stops holding the watermark back.
    public var idleTimeoutMs: Int64 = 2_000
    /// When every input is idle, let event time follow the wall clock (live systems: yes;
    /// replays and tests that must be deterministic: no).
    public var followWallClock = true
    /// Time-dependent tags are re-evaluated on this grid of event time.
    public var timeTickMs: Int64 = 3_600_000
    /// How long the group waits for a silent processor before moving its partitions.
    public var sessionTimeoutMs = 10_000
    public var maxBatch = Self.defaultMaxBatch
    public var pollTimeoutMs = 100
    /// Profiles held in memory; beyond it, clean ones are dropped after a flush (and read from
    /// Redis again when next touched).
    public var cacheLimit = 200_000
    /// Bytes the held profiles may take (estimated per profile: its metric buckets, the events
    /// waiting for its behaviour list); beyond it, as beyond `cacheLimit`. `nil`: no bound but
    /// the count (a live processor writes every few hundred milliseconds, so what it holds is
    /// mostly clean and the count bounds it; measuring after every change costs ~6 % CPU).
    /// A recompute holds its partitions' users until they are done: 1 GiB per worker.
    public var cacheBytes: Int?
    /// How often changed profiles are written to Redis (and inputs committed), at most.
    public var flushIntervalMs: Int64 = 200
    /// Threads (each with its Redis connection) a flush is split over, by partition.
    public var flushLanes = Self.defaultFlushLanes
    /// Changed profiles that make a flush due before `flushIntervalMs`.
    public var flushProfiles = 20_000
    /// How long each loop spends re-evaluating users after a definition or model change before
    /// it polls again.
    public var reevaluationSliceMs = 100
    /// How long the group waits between two polls of this member before it evicts it
    /// (`max.poll.interval.ms`); at least the session timeout.
    public var maxPollIntervalMs = 300_000
    /// Stop after this long (ms) without input and without due timers; `nil` runs until stopped.
    public var exitWhenIdleMs: Int64?
    /// Called after each acknowledged flush with the inputs it held, the profiles it wrote and,
    /// per written profile with a new event, how far behind event time the write landed (ms):
    /// for benchmarks.
    public var onBatch: (@Sendable (_ inputs: Int, _ written: Int, _ freshnessMs: [Int64]) -> Void)?
    /// Publish this processor's throughput and freshness for `GET /v1/pipeline` (not a recompute's).
    public var reportsStatus = true
    /// Keep changed profiles in memory and write each once when the run ends (a bounded run: a
    /// recompute writes a generation no one reads until it is swapped in), or earlier when
    /// more than `cacheLimit` are held, so memory stays bounded.
    public var deferWrites = false
    /// The store held nothing of these users when the run began (a recompute's emptied scratch
    /// database): a user is read from it only if its partition was written since.
    public var storeStartsEmpty = false
    /// Send unusable inputs to the dead-letter topic (a recompute replays inputs already sent there).
    public var sendsDeadLetters = true
    /// The model versions to score profiles with, taken once per batch (so a batch never mixes
    /// versions of a model). The executable wires the registry's active versions here.
    /// Default: none.
    public var scorers: @Sendable () -> [any ProfileScorer] = { [] }
    /// Called with the profiles a batch wrote (after Redis acknowledged) and the partitions'
    /// watermarks, on the processor's thread: online learning reads its examples here. Default: nil.
    public var onProfilesWritten: (@Sendable (WrittenProfiles) -> Void)?
    /// Carry on when inputs were dropped by the broker before they were read (logged, counted
    /// and shown in the pipeline status either way). Default: stop.
    public var acceptInputLoss = false
    /// Checked between batches.
    public var shouldStop: @Sendable () -> Bool = { false }

    public init(bootstrapServers: String, mapping: ProfileMapping) {
        self.bootstrapServers = bootstrapServers
        self.mapping = mapping
    }

    public var controlTopic: String { "\(topicPrefix).control" }
    /// Every topic the processor reads (mapped CDC tables and event topics).
    public var inputTopics: [String] {
        InputDecoder(mapping: mapping, topicPrefix: topicPrefix, cdcTopicPrefix: cdcTopicPrefix, eventFieldTypes: DefinitionValidator.standardEventFields).topics
    }
    public var deadLetterTopic: String { "\(topicPrefix).dlq" }

    public static let defaultMaxBatch = 5_000
    public static let defaultFlushLanes = 2
}

extension ProcessorOptions {
    /// How the engine's runner batches, checkpoints (flushes) and bounds the held profiles.
    var runnerOptions: LiveRunnerOptions {
        var runner = LiveRunnerOptions()
        runner.maxBatch = maxBatch
        runner.pollTimeoutMs = pollTimeoutMs
        runner.stateLimit = cacheLimit
        runner.stateByteLimit = cacheBytes ?? .max
        runner.checkpointIntervalMs = flushIntervalMs
        runner.checkpointKeys = flushProfiles
        runner.checkpointsOnlyWhenFull = deferWrites
        runner.visitSliceMs = reevaluationSliceMs
        runner.idleTimeoutMs = idleTimeoutMs
        runner.exitWhenIdleMs = exitWhenIdleMs
        return runner
    }
}
