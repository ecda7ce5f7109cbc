import StreamEngine
import StreamEngineTesting
import Testing

@Suite struct JobExecutionTests {
    /// Three partitions, each in time order with jitter; partition 2 may go idle now and then.
    static func scripts(idle: Bool) -> [[CollectionSource<Click>.Step]] {
        var scripts: [[CollectionSource<Click>.Step]] = [[], [], []]
        var state: UInt64 = 7
        for index in 0..<6_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let partition = Int(state >> 62) % 3
            let time = Int64(index) * 20 - Int64((state >> 30) % 500)
            scripts[partition].append(.record(Click(user: Int64((state >> 40) % 50), time: max(0, time))))
            if idle, partition == 2, index % 1_000 == 0 { scripts[2].append(contentsOf: Array(repeating: .idle, count: 3)) }
        }
        return scripts
    }

    static func run(mode: ExecutionMode, parallelism: Int, session: Bool, idle: Bool = true) throws -> [WindowCount] {
        let sink = CollectingSink<WindowCount>()
        let env = StreamExecutionEnvironment(ExecutionConfiguration(
            mode: mode, parallelism: parallelism, batchSize: 64, clock: ManualClock()))
        let stream = env.fromSource(CollectionSource(scripts: scripts(idle: idle), batchSize: 64),
                                    watermarks: .boundedOutOfOrderness(600, emitEvery: 64) { $0.time })
            .filter { $0.user != 13 }
            .keyBy { $0.user }
        if session {
            let job = stream.window(EventTimeSessionWindows(gap: 300))
                .aggregate(Count<Click>()) { WindowCount(user: $0, start: $1.start, end: $1.end, count: $2) }
                .sinkTo(sink)
            _ = try env.execute(job)
        } else {
            let job = stream.window(SlidingEventTimeWindows(size: 3_000, slide: 1_000))
                .aggregate(Count<Click>()) { WindowCount(user: $0, start: $1.start, end: $1.end, count: $2) }
                .sinkTo(sink)
            _ = try env.execute(job)
        }
        return sink.committed.sorted()
    }

    @Test(arguments: [false, true])
    func batchEqualsStreamAtAnyParallelism(session: Bool) throws {
        let reference = try Self.run(mode: .batch, parallelism: 1, session: session)
        #expect(!reference.isEmpty)
        #expect(try Self.run(mode: .stream, parallelism: 1, session: session) == reference)
        #expect(try Self.run(mode: .batch, parallelism: 2, session: session) == reference)
        // With threads, an idle partition can fall behind the others' watermark and its data
        // turn late (as in Flink), so the multi-threaded stream run uses no idle periods.
        #expect(try Self.run(mode: .stream, parallelism: 3, session: session, idle: false) == reference)
    }

    @Test(arguments: [1, 2])
    func checkpointThenRestoreFinishesWithTheSameOutput(parallelism: Int) throws {
        let events = (0..<3_000).map { Click(user: Int64($0 % 17), time: Int64($0) * 10) }
        func job(_ source: CollectionSource<Click>, _ sink: CollectingSink<WindowCount>, _ env: StreamExecutionEnvironment)
            -> StreamJob<CollectionSource<Click>, IdentityTransform<Click>,
                         WindowOperator<Int64, TumblingEventTimeWindows, EventTimeTrigger, Count<Click>, WindowCount>,
                         IdentityTransform<WindowCount>, CollectingSink<WindowCount>, DiscardingSink<Click>> {
            env.fromSource(source, watermarks: .boundedOutOfOrderness(0, emitEvery: 100) { $0.time })
                .keyBy { $0.user }
                .window(TumblingEventTimeWindows(size: 1_000))
                .aggregate(Count<Click>()) { WindowCount(user: $0, start: $1.start, end: $1.end, count: $2) }
                .sinkTo(sink)
        }
        // Uninterrupted run.
        let reference = CollectingSink<WindowCount>()
        let plain = StreamExecutionEnvironment(ExecutionConfiguration(parallelism: parallelism, batchSize: 100))
        _ = try plain.execute(job(CollectionSource(events, batchSize: 100), reference, plain))

        // A run that "crashes" after 1_700 events: its last checkpoint is what survives.
        let backend = InMemoryStateBackend()
        let checkpointing = CheckpointConfiguration(backend: backend, everyRecords: 500)
        let first = CollectingSink<WindowCount>()
        let crashing = StreamExecutionEnvironment(ExecutionConfiguration(
            parallelism: parallelism, batchSize: 100, checkpointing: checkpointing))
        let result = try crashing.execute(job(CollectionSource(Array(events.prefix(1_700)), batchSize: 100), first, crashing))
        #expect(result.checkpointsCompleted >= 1)
        let checkpoint = try #require(try backend.latestCheckpoint())
        // What a transactional sink keeps of the crashed run: the output flushed by that checkpoint.
        let survivingOutput = try Self.outputFlushedBy(checkpoint: checkpoint, events: events, parallelism: parallelism)

        // Resume the full input from the checkpoint.
        let resumed = CollectingSink<WindowCount>()
        let restoring = StreamExecutionEnvironment(ExecutionConfiguration(
            parallelism: parallelism, batchSize: 100, checkpointing: checkpointing, restoreFromCheckpoint: true))
        _ = try restoring.execute(job(CollectionSource(events, batchSize: 100), resumed, restoring))
        #expect((survivingOutput + resumed.committed).sorted() == reference.committed.sorted())
    }

    /// Output an uninterrupted run emits from the first `offset` events alone, i.e. what was
    /// flushed before the checkpoint at that offset.
    static func outputFlushedBy(checkpoint: CompletedCheckpoint, events: [Click], parallelism: Int) throws -> [WindowCount] {
        let offset = Int(checkpoint.sourceOffsets[0] ?? 0)
        var harness = KeyedOperatorTestHarness(countOperator(TumblingEventTimeWindows(size: 1_000)))
        var maxTime: Int64 = .min
        for (index, event) in events.prefix(offset).enumerated() {
            harness.processElement(event, key: event.user, timestamp: event.time)
            maxTime = max(maxTime, event.time)
            if index % 100 == 99 { harness.processWatermark(maxTime - 1) }
        }
        return harness.output
    }
}
