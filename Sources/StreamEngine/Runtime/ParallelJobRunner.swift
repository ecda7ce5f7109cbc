import Foundation

/// Runs a job with `parallelism > 1`: one thread per source partition, one per keyed task.
///
/// Source threads read, transform and key records, then route each to the task owning its
/// key group through a bounded channel (batches of records; a full channel blocks the source,
/// which is the backpressure). Watermarks, idleness, checkpoint barriers and end-of-input are
/// broadcast to every task. Each task combines its inputs' watermarks with a
/// ``WatermarkValve`` and aligns barriers before snapshotting, so a checkpoint is consistent.
@usableFromInline
struct ParallelJobRunner<S: Source, Pre: RecordTransform, Op: KeyedOperator, Post: RecordTransform, MainSink: Sink, SideSink: Sink>: Sendable
where Pre.Input == S.Reader.Record, Pre.Output == Op.Input, Post.Input == Op.Output,
      MainSink.Writer.Input == Post.Output, SideSink.Writer.Input == Op.SideOutput, Pre.Output: Sendable {
    @usableFromInline typealias Message = TaskMessage<Op.Key, Pre.Output>

    @usableFromInline let job: StreamJob<S, Pre, Op, Post, MainSink, SideSink>
    @usableFromInline let configuration: ExecutionConfiguration
    @usableFromInline let restored: CompletedCheckpoint?

    @inlinable
    init(job: StreamJob<S, Pre, Op, Post, MainSink, SideSink>, configuration: ExecutionConfiguration, restored: CompletedCheckpoint?) {
        self.job = job
        self.configuration = configuration
        self.restored = restored
    }

    @inlinable
    func run() throws -> JobResult {
        let partitions = job.source.partitionCount
        let parallelism = configuration.parallelism
        let clock = configuration.clock
        let coordinator = CheckpointCoordinator(
            configuration: configuration.checkpointing, parallelism: parallelism, restoredID: restored?.id, now: clock.now())
        // Each task's one inbox holds messages from every source; capacity scales with sources.
        let channels = (0..<parallelism).map { _ in BoundedChannel<Message>(capacity: configuration.queueCapacity * partitions) }
        let results = ResultCollector(tasks: parallelism, sources: partitions)
        let group = DispatchGroup()

        for subtask in 0..<parallelism {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try runTask(subtask, channel: channels[subtask], coordinator: coordinator, results: results)
                } catch {
                    coordinator.fail(error)
                    for channel in channels { channel.close() }
                }
            }
            thread.name = "portrait-task-\(subtask)"
            thread.start()
        }
        for partition in 0..<partitions {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    try runSource(partition, channels: channels, coordinator: coordinator, results: results, jobDone: group)
                } catch {
                    coordinator.fail(error)
                    for channel in channels { channel.close() }
                }
            }
            thread.name = "portrait-source-\(partition)"
            thread.start()
        }
        group.wait()
        if let failure = coordinator.failure { throw failure }
        var result = results.result
        result.checkpointsCompleted = coordinator.completedCheckpoints
        return result
    }

    @inlinable
    func runSource(
        _ partition: Int, channels: [BoundedChannel<Message>], coordinator: CheckpointCoordinator,
        results: ResultCollector, jobDone: DispatchGroup
    ) throws {
        var reader = try job.source.createReader(partition: partition, startingAt: restored?.sourceOffsets[partition])
        let parallelism = channels.count
        let streaming = configuration.mode == .stream
        let bound = streaming ? job.watermarks.outOfOrderness : nil
        let emitEvery = job.watermarks.emitEvery
        let idleTimeout = job.watermarks.idleTimeout
        let batchSize = configuration.batchSize
        let clock = configuration.clock
        let timestampOf = job.watermarks.timestamp
        let pre = job.pre
        let keySelector = job.keySelector
        var generator = BoundedOutOfOrdernessWatermarks(outOfOrderness: bound ?? 0)
        var sinceWatermark = 0
        var lastActive = clock.now()
        var isIdle = false
        var lastBarrier = coordinator.requestedCheckpoint
        var lastCommitted = coordinator.completedCheckpoint
        var barrierOffsets: [Int64: SourceOffset] = [:]
        var recordsRead = 0
        var batch: [S.Reader.Record] = []
        batch.reserveCapacity(batchSize)
        var outgoing: [[RoutedRecord<Op.Key, Pre.Output>]] = (0..<parallelism).map { _ in
            var records: [RoutedRecord<Op.Key, Pre.Output>] = []
            records.reserveCapacity(batchSize)
            return records
        }

        func flush(_ subtask: Int) {
            guard !outgoing[subtask].isEmpty else { return }
            var next: [RoutedRecord<Op.Key, Pre.Output>] = []
            next.reserveCapacity(batchSize)
            swap(&next, &outgoing[subtask])
            channels[subtask].send(.records(input: partition, next))
        }
        func broadcast(_ message: Message) {
            for subtask in 0..<parallelism {
                flush(subtask)
                channels[subtask].send(message)
            }
        }

        while !coordinator.isCancelled {
            batch.removeAll(keepingCapacity: true)
            let status = try reader.read(into: &batch, maxRecords: batchSize)
            if !batch.isEmpty {
                recordsRead += batch.count
                isIdle = false
                if idleTimeout > 0 { lastActive = clock.now() }
                for record in batch {
                    let timestamp = timestampOf(record)
                    if bound != nil { generator.onEvent(timestamp: timestamp) }
                    pre.apply(record) { element in
                        let key = keySelector(element)
                        let subtask = KeyGroups.task(of: key, parallelism: parallelism)
                        outgoing[subtask].append(RoutedRecord(key: key, element: element, timestamp: timestamp))
                        if outgoing[subtask].count >= batchSize { flush(subtask) }
                    }
                }
                if bound != nil {
                    sinceWatermark += batch.count
                    if sinceWatermark >= emitEvery {
                        sinceWatermark = 0
                        broadcast(.watermark(input: partition, generator.currentWatermark))
                    }
                }
                coordinator.recordsRead(batch.count, now: clock.now())
            }
            let requested = coordinator.requestedCheckpoint
            if requested > lastBarrier, status != .endOfInput {
                lastBarrier = requested
                barrierOffsets[requested] = reader.position
                coordinator.barrierInjected(requested, partition: partition, offset: reader.position)
                broadcast(.barrier(input: partition, id: requested))
            }
            let completed = coordinator.completedCheckpoint
            if completed > lastCommitted, let offset = barrierOffsets[completed] {
                lastCommitted = completed
                try reader.commit(offset)
                barrierOffsets = barrierOffsets.filter { $0.key > completed }
            }
            switch status {
            case .available:
                continue
            case .idle:
                if streaming, !isIdle, idleTimeout == 0 || clock.now() - lastActive >= idleTimeout {
                    isIdle = true
                    broadcast(.idle(input: partition))
                }
                if batch.isEmpty { Thread.sleep(forTimeInterval: 0.001) }
            case .endOfInput:
                coordinator.sourceFinished(partition: partition, offset: reader.position)
                broadcast(.end(input: partition))
                results.addSource(recordsRead: recordsRead)
                // Commit the end offset only once every task has flushed and closed its sinks.
                jobDoneWait(coordinator: coordinator, results: results)
                if !coordinator.isCancelled { try reader.commit(reader.position) }
                reader.close()
                return
            }
        }
        reader.close()
    }

    @inlinable
    func jobDoneWait(coordinator: CheckpointCoordinator, results: ResultCollector) {
        results.waitForTasks(cancelled: { coordinator.isCancelled })
    }

    @inlinable
    func runTask(_ subtask: Int, channel: BoundedChannel<Message>, coordinator: CheckpointCoordinator, results: ResultCollector) throws {
        let partitions = job.source.partitionCount
        let parallelism = configuration.parallelism
        let streaming = configuration.mode == .stream
        let clock = configuration.clock
        var op = job.makeOperator()
        if let restored {
            for state in restored.taskStates where !state.isEmpty {
                var decoder = StateDecoder(state)
                try op.restoreState(from: &decoder, keyFilter: { KeyGroups.task(of: $0, parallelism: parallelism) == subtask })
            }
        }
        var output = TaskOutput(
            post: job.post,
            main: try job.sink.createWriter(subtask: subtask, parallelism: parallelism),
            side: try job.sideSink.createWriter(subtask: subtask, parallelism: parallelism))
        var valve = WatermarkValve(inputCount: partitions)
        var alignment = BarrierAlignment<Message>(inputs: partitions)
        // Batch without checkpoints: buffer by key group, run the groups at end of input.
        let grouped = !streaming && configuration.checkpointing == nil && restored == nil
        var buffer = KeyGroupBuffer<Pre.Output>()

        func handle(_ message: Message) throws {
            switch message {
            case .records(let input, let records):
                valve.markActive(input)
                if grouped {
                    for record in records { buffer.append(record.element, key: record.key, timestamp: record.timestamp) }
                } else {
                    for record in records {
                        op.processElement(record.element, key: record.key, timestamp: record.timestamp, output: &output)
                    }
                }
            case .watermark(let input, let watermark):
                if let combined = valve.onWatermark(watermark, input: input) { op.advanceWatermark(to: combined, output: &output) }
            case .idle(let input):
                if let combined = valve.markIdle(input) { op.advanceWatermark(to: combined, output: &output) }
            case .barrier(let input, let id):
                alignment.barrierArrived(id, input: input)
            case .end(let input):
                if let combined = valve.markFinished(input), !grouped { op.advanceWatermark(to: combined, output: &output) }
            }
            try output.check()
            // Aligned: every input delivered the barrier or ended. Snapshot, then replay
            // whatever the blocked inputs sent meanwhile.
            if let id = alignment.alignedCheckpoint(isFinished: valve.isFinished) {
                try output.flush()
                var encoder = StateEncoder()
                op.snapshotState(to: &encoder)
                try coordinator.acknowledge(id, subtask: subtask, snapshot: encoder.bytes)
                for buffered in alignment.release() { try process(buffered) }
            }
        }
        func process(_ message: Message) throws {
            if alignment.isBlocked(message.input) { alignment.buffer(message) } else { try handle(message) }
        }

        while !valve.allFinished, let message = channel.receive() {
            try process(message)
            if streaming { op.advanceProcessingTime(to: clock.now(), output: &output) }
        }
        if coordinator.isCancelled { return }
        if grouped {
            try buffer.drain(into: &op, key: job.keySelector, output: &output) { try $0.check() }
        }
        if !streaming { op.advanceProcessingTime(to: Watermark.maximum, output: &output) }
        let metrics = op.stateMetrics
        try output.close()
        results.addTask(written: output.written, side: output.sideWritten, state: metrics)
    }
}
