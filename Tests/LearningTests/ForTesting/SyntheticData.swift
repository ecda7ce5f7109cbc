import Foundation
import Learning

/// Deterministic data for the tests, generated in Swift so no fixture files are needed.
enum SyntheticData {
    /// `perCentre` points around each centre with Gaussian spread `spread`, shuffled.
    static func blobs(centres: [[Double]], perCentre: Int, spread: Double, seed: UInt64) throws -> Table {
        var generator = SeededGenerator(seed: seed)
        var points: [[Double]] = []
        for centre in centres {
            for _ in 0 ..< perCentre { points.append(centre.map { $0 + spread * generator.nextGaussian() }) }
        }
        for index in stride(from: points.count - 1, to: 0, by: -1) {
            points.swapAt(index, Int(generator.next() % UInt64(index + 1)))
        }
        return try Table([("features", .vector(DenseVectorColumn(rows: points)))])
    }

    /// The shape of `gen_ml.py classify`: labels from a logistic ground truth over `dense`
    /// standard-normal features and `categories` categorical features of `levels` levels
    /// (strings like "c1_17"); the logit is 2·(x·w/√D + Σ c_w/√C − 1).
    struct Classify {
        let denseWeights: [Double]
        let categoryWeights: [[Double]]
        var generator: SeededGenerator
        let levels: Int

        init(dense: Int, categories: Int, levels: Int, seed: UInt64) {
            generator = SeededGenerator(seed: seed)
            var weightGenerator = SeededGenerator(seed: seed &+ 1000)
            denseWeights = (0 ..< dense).map { _ in weightGenerator.nextGaussian() }
            categoryWeights = (0 ..< categories).map { _ in (0 ..< levels).map { _ in weightGenerator.nextGaussian() } }
            self.levels = levels
        }

        /// `rows` fresh examples as a table: `label`, `dense`, `c0`, `c1`, ….
        mutating func table(rows: Int) throws -> Table {
            let dense = denseWeights.count, categories = categoryWeights.count
            var labels: [Double] = [], values: [Double] = []
            var strings = [[String]](repeating: [], count: categories)
            for _ in 0 ..< rows {
                var z = -1.0
                for feature in 0 ..< dense {
                    let x = generator.nextGaussian()
                    values.append(x)
                    z += x * denseWeights[feature] / Double(dense).squareRoot()
                }
                for category in 0 ..< categories {
                    let level = Int(generator.next() % UInt64(levels))
                    strings[category].append("c\(category)_\(level)")
                    z += categoryWeights[category][level] / Double(categories).squareRoot()
                }
                labels.append(generator.nextUnit() < 1 / (1 + exp(-2 * z)) ? 1 : 0)
            }
            var columns: [(String, Column)] = [("label", .numeric(labels))]
            columns.append(("dense", .vector(try DenseVectorColumn(dimension: dense, values: values))))
            for category in 0 ..< categories { columns.append(("c\(category)", .categorical(strings[category]))) }
            return try Table(columns)
        }

        var categoryNames: [String] { (0 ..< categoryWeights.count).map { "c\($0)" } }
    }

    /// A fresh, unique directory path under the system temporary directory.
    static func temporaryDirectory(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("portrait-learning-tests")
            .appendingPathComponent("\(name)-\(UUID().uuidString)")
    }
}
