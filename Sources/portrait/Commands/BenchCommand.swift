import ArgumentParser

/// `portrait bench …`: throughput measurements on this machine, printed as JSON lines.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print one JSON line per measurement (use a release build).",
        subcommands: [ClientsBenchCommand.self, EngineBenchCommand.self, MLBenchCommand.self, ProcessorBenchCommand.self, RecomputeBenchCommand.self, HotPathBenchCommand.self])
}
