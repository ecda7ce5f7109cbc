import ArgumentParser
import LearningWorkloads

/// `portrait bench ml`: the learning workloads of `Benchmarks/README.md`.
struct MLBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ml",
        abstract: "Fit kmeans, lr, ftrl or streaming-kmeans on gen_ml.py data; prints one JSON line.")

    @Option(help: "kmeans, lr, ftrl or streaming-kmeans.")
    var algo: String

    @Option(help: "Training (or points) CSV.")
    var input: String

    @Option(help: "Test CSV for lr and ftrl.")
    var test: String?

    @Option(help: "Clusters.")
    var k: Int = 10

    @Option(help: "Iteration limit.")
    var maxIter: Int = 50

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func run() throws {
        guard let algorithm = MLAlgorithm(argument: algo) else {
            throw ValidationError("--algo must be one of \(MLAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let report = try MLBenchmark.run(MLBenchmarkOptions(algo: algorithm, input: input, test: test, k: k, maxIterations: maxIter, seed: seed))
        print(report.jsonLine(extra: [("peak_rss_mb", String(peakResidentMegabytes()))]))
    }
}
