import Connectors
import EngineWorkloads
import Foundation
import StreamEngine
import Testing

/// W1–W3 over the 100k-event input must produce exactly Flink's rows, in both modes and with
/// one or two tasks.
@Suite struct EngineBenchmarkGoldenTests {
    static let cases: [(EngineWorkload, ExecutionMode, Int)] = EngineWorkload.allCases.flatMap { workload in
        [ExecutionMode.batch, .stream].flatMap { mode in [1, 2].map { (workload, mode, $0) } }
    }

    @Test(arguments: cases)
    func matchesGolden(workload: EngineWorkload, mode: ExecutionMode, parallelism: Int) throws {
        let input = try GoldenFixtures.path("events-100k.csv")
        let golden = try GoldenFixtures.rows(atPath: try GoldenFixtures.path("\(workload.rawValue).csv"))
        let output = GoldenFixtures.directory.appendingPathComponent("out-\(workload)-\(mode)-\(parallelism).csv").path
        let report = try EngineBenchmark.run(EngineBenchmarkOptions(
            workload: workload, input: input, output: output, mode: mode, parallelism: parallelism, errorPolicy: .fail))
        let actual = try GoldenFixtures.rows(atPath: output)

        #expect(report.events == 100_000)
        #expect(report.skippedLines == 0)
        #expect(report.outputRows == golden.rows.count)
        #expect(actual.header == golden.header)
        #expect(actual.rows.count == golden.rows.count)
        let missing = Set(golden.rows).subtracting(actual.rows)
        let unexpected = Set(actual.rows).subtracting(golden.rows)
        #expect(missing.isEmpty, "missing \(missing.count) rows, e.g. \(missing.sorted().prefix(3))")
        #expect(unexpected.isEmpty, "unexpected \(unexpected.count) rows, e.g. \(unexpected.sorted().prefix(3))")
        #expect(actual.rows == golden.rows)
    }
}
