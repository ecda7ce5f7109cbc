import ArgumentParser
import Connectors
import EngineWorkloads
import StreamEngine

/// `portrait bench engine`: W1–W3 of `Benchmarks/README.md` through the engine's own operators.
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Run workload W1, W2 or W3 over an events CSV; prints one JSON line.")

    @Option(help: "W1, W2 or W3.")
    var workload: String

    @Option(help: "Events CSV (ts_ms,user_id,event_type,item_id,category,amount).")
    var input: String

    @Option(help: "Output CSV.")
    var output: String

    @Option(help: "batch or stream.")
    var mode: String = "batch"

    @Option(help: "Keyed tasks.")
    var parallelism: Int = 1

    @Flag(help: "Stop at the first malformed line instead of skipping (and counting) it.")
    var failOnBadLine = false

    func run() throws {
        guard let workload = EngineWorkload(parsing: workload) else { throw ValidationError("--workload must be W1, W2 or W3") }
        guard let mode = ExecutionMode(parsing: mode) else { throw ValidationError("--mode must be batch or stream") }
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be at least 1") }
        let report = try EngineBenchmark.run(EngineBenchmarkOptions(
            workload: workload, input: input, output: output, mode: mode, parallelism: parallelism,
            errorPolicy: failOnBadLine ? .fail : .skip))
        printBenchmarkLine([
            ("workload", report.workload.description), ("mode", report.mode.description), ("parallelism", report.parallelism),
            ("events", report.events), ("output_rows", report.outputRows), ("skipped_lines", report.skippedLines),
            ("wall_s", report.wallSeconds), ("events_per_s", Double(report.events) / report.wallSeconds),
            ("peak_rss_mb", peakResidentMegabytes()),
        ])
    }
}
