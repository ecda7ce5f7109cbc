import Connectors
import StreamEngine

/// Runs the engine workloads W1–W3 over a CSV file with the engine's public operators.
public enum EngineBenchmark {
    /// One hour, one day, 30 minutes in ms.
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    static let sessionGap: Int64 = 1_800_000

    /// Runs `options.workload` and reports its figures; throws on unreadable input,
    /// unwritable output, or malformed lines under the fail policy.
    public static func run(_ options: EngineBenchmarkOptions) throws -> EngineBenchmarkReport {
        let eventTypes = EventTypeTable()
        let statistics = CSVReadStatistics()
        let source = CSVFileSource(
            path: options.input, decoder: UserEventDecoder(eventTypes: eventTypes),
            hasHeader: true, errorPolicy: options.errorPolicy, statistics: statistics, partitions: options.inputSplits)
        let environment = StreamExecutionEnvironment(ExecutionConfiguration(mode: options.mode, parallelism: options.parallelism))
        let watermarks = WatermarkStrategy<UserEvent>.boundedOutOfOrderness(
            options.outOfOrderness, emitEvery: options.watermarkInterval) { $0.timestamp }
        let events = environment.fromSource(source, watermarks: watermarks)

        let result: JobResult
        switch options.workload {
        case .w1:
            let job = events
                .keyBy { UserEventTypeKey(userID: $0.userID, eventType: $0.eventType) }
                .window(TumblingEventTimeWindows(size: hour))
                .aggregate(AggregatePair(Count<UserEvent>(), Sum<UserEvent, Int64>(of: { $0.amountCents }))) { key, window, aggregate in
                    UserEventTypeWindowRow(
                        userID: key.userID, eventType: key.eventType, windowStart: window.start, windowEnd: window.end,
                        count: aggregate.0, sumCents: aggregate.1)
                }
                .sinkTo(CSVSink(path: options.output, header: UserEventTypeWindowRowEncoder.header,
                                encoder: UserEventTypeWindowRowEncoder(eventTypes: eventTypes)))
            result = try environment.execute(job)
        case .w2:
            let job = events
                .filter { $0.eventType == .purchase }
                .keyBy { $0.userID }
                .window(SlidingEventTimeWindows(size: 7 * day, slide: day))
                .aggregate(Count<UserEvent>()) { user, window, count in
                    UserWindowCountRow(userID: user, windowStart: window.start, windowEnd: window.end, count: count)
                }
                .sinkTo(CSVSink(path: options.output, header: "user_id,window_start_ms,window_end_ms,purchases",
                                encoder: UserWindowCountRowEncoder()))
            result = try environment.execute(job)
        case .w3:
            let job = events
                .keyBy { $0.userID }
                .window(EventTimeSessionWindows(gap: sessionGap))
                .aggregate(Count<UserEvent>()) { user, window, count in
                    UserWindowCountRow(userID: user, windowStart: window.start, windowEnd: window.end, count: count)
                }
                .sinkTo(CSVSink(path: options.output, header: "user_id,window_start_ms,window_end_ms,events",
                                encoder: UserWindowCountRowEncoder()))
            result = try environment.execute(job)
        }
        return EngineBenchmarkReport(
            workload: options.workload, mode: options.mode, parallelism: options.parallelism,
            events: result.recordsRead, outputRows: result.recordsWritten, wallSeconds: result.wallSeconds,
            skippedLines: statistics.skippedLines)
    }
}
