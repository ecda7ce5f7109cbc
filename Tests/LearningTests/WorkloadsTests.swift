import Foundation
import Learning
import LearningWorkloads
import Testing

@Suite struct WorkloadsTests {
    func write(_ text: String, _ name: String) throws -> String {
        let directory = SyntheticData.temporaryDirectory("workloads")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func loadsPointsFiles() throws {
        let path = try write("x0,x1\n1.5,-2.25\n-0.000001,3e2\n7,8\n", "points.csv")
        let table = try PointsFile.load(path)
        #expect(try table.vector("features").values == [1.5, -2.25, -0.000001, 300, 7, 8])
        let bad = try write("x0,x1\n1,2\n3\n", "bad.csv")
        #expect(throws: MLDataError.self) { try PointsFile.load(bad) }
        let notNumber = try write("x0,x1\n1,abc\n", "nan.csv")
        #expect(throws: MLDataError.badNumber(path: notNumber, line: 1, field: 1)) { try PointsFile.load(notNumber) }
        #expect(throws: MLDataError.self) { try PointsFile.load("/nonexistent/points.csv") }
        // Files are parsed in parts on several cores; errors still name the line in the whole file.
        let late = try write("x0\n" + (1 ... 1000).map { $0 == 900 ? "oops" : "\($0)" }.joined(separator: "\n") + "\n", "late.csv")
        #expect(throws: MLDataError.badNumber(path: late, line: 900, field: 0)) { try PointsFile.load(late) }
    }

    @Test func loadsClassifyFiles() throws {
        let path = try write("label,f0,f1,c0\n1,0.5,-1.25,c0_7\n0,2.00000,3.5,c0_12\n", "train.csv")
        let (table, categories) = try ClassifyFile.load(path)
        #expect(categories == ["c0"])
        #expect(try table.numeric("label") == [1, 0])
        #expect(try table.vector("dense").values == [0.5, -1.25, 2, 3.5])
        #expect(try table.categorical("c0") == ["c0_7", "c0_12"])
    }

    @Test func benchmarkRunsEveryAlgorithm() throws {
        var points = "x0,x1\n"
        var generator = SeededGenerator(seed: 1)
        for index in 0 ..< 600 {
            let centre = Double(index % 3) * 10
            points += "\(centre + generator.nextGaussian()),\(generator.nextGaussian())\n"
        }
        let pointsPath = try write(points, "blobs.csv")
        for algo in [MLAlgorithm.kmeans, .streamingKMeans] {
            let report = try MLBenchmark.run(MLBenchmarkOptions(algo: algo, input: pointsPath, k: 3))
            #expect(report.rows == 600)
            #expect((report.sse ?? .infinity) < 600 * 3)
            #expect(report.jsonFields().map(\.0).starts(with: ["algo", "rows", "load_s", "wall_s", "rows_per_s", "sse"]))
        }
        var classify = SyntheticData.Classify(dense: 2, categories: 2, levels: 5, seed: 3)
        func csv(_ table: Table) throws -> String {
            var text = "label,f0,f1,c0,c1\n"
            let labels = try table.numeric("label"), dense = try table.vector("dense")
            let c0 = try table.categorical("c0"), c1 = try table.categorical("c1")
            for row in 0 ..< table.rowCount {
                text += "\(Int(labels[row])),\(dense.values[2 * row]),\(dense.values[2 * row + 1]),\(c0[row]),\(c1[row])\n"
            }
            return text
        }
        let train = try write(csv(classify.table(rows: 1000)), "train.csv")
        let test = try write(csv(classify.table(rows: 300)), "test.csv")
        for algo in [MLAlgorithm.lr, .ftrl] {
            let report = try MLBenchmark.run(MLBenchmarkOptions(algo: algo, input: train, test: test))
            #expect((report.auc ?? 0) > 0.75, "\(algo)")
            #expect(report.logLoss != nil)
            #expect(report.jsonLine(extra: [("peak_rss_mb", "1")]).hasPrefix("{\"algo\": \"\(algo.rawValue)\""))
        }
        #expect(throws: MLDataError.invalidOption(name: "test", reason: "lr needs a test file to report auc and logloss")) {
            try MLBenchmark.run(MLBenchmarkOptions(algo: .lr, input: train))
        }
        #expect(MLAlgorithm(argument: "streaming-kmeans") == .streamingKMeans)
        #expect(MLAlgorithm(argument: "svm") == nil)
    }
}
