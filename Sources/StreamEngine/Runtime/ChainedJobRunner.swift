/// Runs a job with parallelism 1 on the calling thread, every stage chained: records go from
/// the readers through the transforms straight into the operator and the sinks, with no queue.
///
/// Partitions are read round-robin, each with its own watermark generator, combined by a
/// ``WatermarkValve``; checkpoints are synchronous.
@usableFromInline
struct ChainedJobRunner<S: Source, Pre: RecordTransform, Op: KeyedOperator, Post: RecordTransform, MainSink: Sink, SideSink: Sink>
where Pre.Input == S.Reader.Record, Pre.Output == Op.Input, Post.Input == Op.Output,
      MainSink.Writer.Input == Post.Output, SideSink.Writer.Input == Op.SideOutput {
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
    mutating func run() throws -> JobResult {
        let partitions = job.source.partitionCount
        var readers: [S.Reader] = []
        for partition in 0..<partitions {
            readers.append(try job.source.createReader(partition: partition, startingAt: restored?.sourceOffsets[partition]))
        }
        var op = job.makeOperator()
        if let restored {
            for state in restored.taskStates where !state.isEmpty {
                var decoder = StateDecoder(state)
                try op.restoreState(from: &decoder, keyFilter: { _ in true })
            }
        }
        var output = TaskOutput(
            post: job.post,
            main: try job.sink.createWriter(subtask: 0, parallelism: 1),
            side: try job.sideSink.createWriter(subtask: 0, parallelism: 1))

        let streaming = configuration.mode == .stream
        let bound = streaming ? job.watermarks.outOfOrderness : nil
        let emitEvery = job.watermarks.emitEvery
        let idleTimeout = job.watermarks.idleTimeout
        let clock = configuration.clock
        var generators = Array(repeating: BoundedOutOfOrdernessWatermarks(outOfOrderness: bound ?? 0), count: partitions)
        var sinceWatermark = Array(repeating: 0, count: partitions)
        var lastActive = Array(repeating: clock.now(), count: partitions)
        var finished = Array(repeating: false, count: partitions)
        var valve = WatermarkValve(inputCount: partitions)
        var checkpointer = SynchronousCheckpointer(configuration: configuration.checkpointing, restoredID: restored?.id, now: clock.now())
        var result = JobResult()
        var batch: [S.Reader.Record] = []
        batch.reserveCapacity(configuration.batchSize)
        let timestampOf = job.watermarks.timestamp
        let pre = job.pre
        let keySelector = job.keySelector
        // Batch without checkpoints: buffer by key group and run the groups at end of input.
        // (A checkpoint would miss buffered records, so checkpointed jobs process as they read.)
        let grouped = !streaming && configuration.checkpointing == nil && restored == nil
        var buffer = KeyGroupBuffer<Pre.Output>()

        while !valve.allFinished {
            var progressed = false
            for partition in 0..<partitions where !finished[partition] {
                batch.removeAll(keepingCapacity: true)
                let status = try readers[partition].read(into: &batch, maxRecords: configuration.batchSize)
                if !batch.isEmpty {
                    progressed = true
                    valve.markActive(partition)
                    result.recordsRead += batch.count
                    if bound != nil {
                        for record in batch {
                            let timestamp = timestampOf(record)
                            generators[partition].onEvent(timestamp: timestamp)
                            pre.apply(record) { element in
                                op.processElement(element, key: keySelector(element), timestamp: timestamp, output: &output)
                            }
                        }
                        sinceWatermark[partition] += batch.count
                        if sinceWatermark[partition] >= emitEvery {
                            sinceWatermark[partition] = 0
                            if let watermark = valve.onWatermark(generators[partition].currentWatermark, input: partition) {
                                op.advanceWatermark(to: watermark, output: &output)
                            }
                        }
                    } else if grouped {
                        for record in batch {
                            let timestamp = timestampOf(record)
                            pre.apply(record) { element in
                                buffer.append(element, key: keySelector(element), timestamp: timestamp)
                            }
                        }
                    } else {
                        for record in batch {
                            let timestamp = timestampOf(record)
                            pre.apply(record) { element in
                                op.processElement(element, key: keySelector(element), timestamp: timestamp, output: &output)
                            }
                        }
                    }
                    checkpointer.recordsRead(batch.count)
                }
                switch status {
                case .available:
                    if idleTimeout > 0, !batch.isEmpty { lastActive[partition] = clock.now() }
                case .idle:
                    if batch.isEmpty, streaming,
                       idleTimeout == 0 || clock.now() - lastActive[partition] >= idleTimeout,
                       let watermark = valve.markIdle(partition) {
                        op.advanceWatermark(to: watermark, output: &output)
                    }
                case .endOfInput:
                    finished[partition] = true
                    // End of a bounded partition: its watermark becomes +∞ (Flink does the same).
                    if let watermark = valve.markFinished(partition), !grouped {
                        op.advanceWatermark(to: watermark, output: &output)
                    }
                }
                try output.check()
            }
            if streaming { op.advanceProcessingTime(to: clock.now(), output: &output) }
            if checkpointer.isDue(now: clock.now()) {
                try checkpointer.checkpoint(operator: op, output: &output, readers: &readers, now: clock.now())
                result.checkpointsCompleted += 1
            }
            if !progressed, !valve.allFinished {
                // Every open partition is idle: wait a little instead of spinning.
                checkpointer.pause()
            }
        }
        if grouped {
            try buffer.drain(into: &op, key: keySelector, output: &output) { try $0.check() }
        }
        if !streaming {
            op.advanceProcessingTime(to: Watermark.maximum, output: &output)
        }
        result.finalState = op.stateMetrics
        try output.close()
        for partition in 0..<partitions {
            try readers[partition].commit(readers[partition].position)
            readers[partition].close()
        }
        result.recordsWritten = output.written
        result.sideOutputRecords = output.sideWritten
        return result
    }
}
