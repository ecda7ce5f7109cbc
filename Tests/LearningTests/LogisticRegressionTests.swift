import Foundation
import Learning
import Testing

@Suite struct LogisticRegressionTests {
    /// A small, overlapping (non-separable) problem with 3 features.
    func smallProblem(rows: Int = 200, seed: UInt64 = 4) throws -> (table: Table, x: [[Double]], y: [Double]) {
        var generator = SeededGenerator(seed: seed)
        var x: [[Double]] = [], y: [Double] = []
        for _ in 0 ..< rows {
            let point = [generator.nextGaussian(), generator.nextGaussian() * 2, generator.nextGaussian() + 1]
            let margin = 0.8 * point[0] - 0.5 * point[1] + 0.3 * point[2] - 0.2
            x.append(point)
            y.append(generator.nextUnit() < 1 / (1 + exp(-margin)) ? 1 : 0)
        }
        let table = try Table([("features", .vector(DenseVectorColumn(rows: x))), ("label", .numeric(y))])
        return (table, x, y)
    }

    /// Gradient of mean log loss + λ/2‖w‖² (intercept unpenalised), computed independently.
    func gradient(x: [[Double]], y: [Double], w: [Double], b: Double, lambda: Double) -> [Double] {
        var g = [Double](repeating: 0, count: w.count + 1)
        for (row, label) in zip(x, y) {
            let p = 1 / (1 + exp(-(zip(row, w).map(*).reduce(0, +) + b)))
            for j in 0 ..< w.count { g[j] += (p - label) * row[j] / Double(x.count) }
            g[w.count] += (p - label) / Double(x.count)
        }
        for j in 0 ..< w.count { g[j] += lambda * w[j] }
        return g
    }

    /// Newton's method with an exact Hessian and Gaussian elimination: an independent reference.
    func newtonSolution(x: [[Double]], y: [Double], lambda: Double) -> [Double] {
        let d = x[0].count, n = Double(x.count)
        var theta = [Double](repeating: 0, count: d + 1)
        for _ in 0 ..< 50 {
            let g = gradient(x: x, y: y, w: Array(theta[0 ..< d]), b: theta[d], lambda: lambda)
            var h = [[Double]](repeating: [Double](repeating: 0, count: d + 1), count: d + 1)
            for row in x {
                let z = zip(row, theta).map(*).reduce(0, +) + theta[d]
                let p = 1 / (1 + exp(-z)), s = p * (1 - p) / n
                let augmented = row + [1]
                for i in 0 ... d { for j in 0 ... d { h[i][j] += s * augmented[i] * augmented[j] } }
            }
            for i in 0 ..< d { h[i][i] += lambda }
            // Solve h·step = g.
            var a = h, rhs = g
            for col in 0 ... d {
                let pivot = (col ... d).max { abs(a[$0][col]) < abs(a[$1][col]) } ?? col
                a.swapAt(col, pivot); rhs.swapAt(col, pivot)
                for r in (col + 1) ..< (d + 1) {
                    let f = a[r][col] / a[col][col]
                    for c in col ... d { a[r][c] -= f * a[col][c] }
                    rhs[r] -= f * rhs[col]
                }
            }
            var step = [Double](repeating: 0, count: d + 1)
            for r in stride(from: d, through: 0, by: -1) {
                step[r] = (rhs[r] - ((r + 1) ..< (d + 1)).map { a[r][$0] * step[$0] }.reduce(0, +)) / a[r][r]
            }
            for i in 0 ... d { theta[i] -= step[i] }
        }
        return theta
    }

    @Test func l2SolutionMatchesNewtonReferenceTo1e6() throws {
        let (table, x, y) = try smallProblem()
        let lambda = 0.05
        let model = try LogisticRegression().with(LogisticRegression.regParam, lambda)
            .with(LogisticRegression.tolerance, 1e-12).with(LogisticRegression.maxIterations, 500).fit(table)
        let reference = newtonSolution(x: x, y: y, lambda: lambda)
        for j in 0 ..< 3 { #expect(abs(model.coefficients[j] - reference[j]) < 1e-6) }
        #expect(abs(model.intercept - reference[3]) < 1e-6)
        let g = gradient(x: x, y: y, w: model.coefficients, b: model.intercept, lambda: lambda)
        #expect(g.map(abs).max() ?? 1 < 1e-8)
    }

    @Test func unregularisedSolutionHasZeroGradient() throws {
        let (table, x, y) = try smallProblem(seed: 8)
        let model = try LogisticRegression().with(LogisticRegression.tolerance, 1e-12).with(LogisticRegression.maxIterations, 500).fit(table)
        let reference = newtonSolution(x: x, y: y, lambda: 0)
        for j in 0 ..< 3 { #expect(abs(model.coefficients[j] - reference[j]) < 1e-6) }
        let g = gradient(x: x, y: y, w: model.coefficients, b: model.intercept, lambda: 0)
        #expect(g.map(abs).max() ?? 1 < 1e-8)
    }

    @Test func l1SolutionSatisfiesOptimalityConditions() throws {
        // Add two pure-noise features so L1 has something to zero out.
        var (_, x, y) = try smallProblem(rows: 300, seed: 12)
        var generator = SeededGenerator(seed: 99)
        x = x.map { $0 + [generator.nextGaussian() * 0.1, generator.nextGaussian() * 0.1] }
        let table = try Table([("features", .vector(DenseVectorColumn(rows: x))), ("label", .numeric(y))])
        let lambda = 0.02, alpha = 1.0
        let model = try LogisticRegression().with(LogisticRegression.regParam, lambda).with(LogisticRegression.elasticNetParam, alpha)
            .with(LogisticRegression.tolerance, 1e-10).with(LogisticRegression.maxIterations, 1000).fit(table)
        let g = gradient(x: x, y: y, w: model.coefficients, b: model.intercept, lambda: 0)
        // KKT for L1: non-zero weights have ∂loss = −λ·sign(w); zero weights have |∂loss| ≤ λ.
        for j in 0 ..< 5 {
            if model.coefficients[j] != 0 {
                #expect(abs(g[j] + lambda * (model.coefficients[j] > 0 ? 1 : -1)) < 1e-6)
            } else {
                #expect(abs(g[j]) <= lambda + 1e-9)
            }
        }
        #expect(abs(g[5]) < 1e-6)
        #expect(model.coefficients[3] == 0 && model.coefficients[4] == 0)
    }

    @Test func elasticNetAndSparseFeaturesWork() throws {
        var generator = SeededGenerator(seed: 5)
        var column = SparseVectorColumn(dimension: 50)
        var labels: [Double] = []
        for _ in 0 ..< 400 {
            let active = Int(generator.next() % 50)
            try column.append(SparseVector(dimension: 50, indices: [Int32(active)], values: [1]))
            labels.append(generator.nextUnit() < (active < 25 ? 0.8 : 0.2) ? 1 : 0)
        }
        let table = try Table([("features", .sparse(column)), ("label", .numeric(labels))])
        let model = try LogisticRegression().with(LogisticRegression.regParam, 0.01).with(LogisticRegression.elasticNetParam, 0.5).fit(table)
        let probabilities = try model.probabilities(table)
        let metrics = try BinaryClassificationMetrics(scores: probabilities, labels: labels)
        #expect(metrics.areaUnderROC > 0.75)
    }

    @Test func classWeightsShiftTheDecision() throws {
        let (table, _, _) = try smallProblem()
        let plain = try LogisticRegression().fit(table)
        let favourPositives = try LogisticRegression().with(LogisticRegression.classWeights, [1, 5]).fit(table)
        #expect(favourPositives.intercept > plain.intercept + 0.5)
    }

    @Test func rejectsBadInput() throws {
        let lr = LogisticRegression()
        let oneClass = try Table([("features", .numeric([1, 2, 3])), ("label", .numeric([1, 1, 1]))])
        #expect(throws: LearningError.singleClass(label: 1)) { try lr.fit(oneClass) }
        let badLabel = try Table([("features", .numeric([1, 2, 3])), ("label", .numeric([0, 2, 1]))])
        #expect(throws: LearningError.invalidLabel(row: 1, value: 2)) { try lr.fit(badLabel) }
        let infinite = try Table([("features", .numeric([1, .infinity, 3])), ("label", .numeric([0, 1, 1]))])
        #expect(throws: LearningError.nonFiniteValue(column: "features", row: 1)) { try lr.fit(infinite) }
        let nanLabel = try Table([("features", .numeric([1, 2, 3])), ("label", .numeric([0, .nan, 1]))])
        #expect(throws: LearningError.nonFiniteValue(column: "label", row: 1)) { try lr.fit(nanLabel) }
        #expect(throws: LearningError.emptyTable(operation: "LogisticRegression.fit")) {
            try lr.fit(Table([("features", .numeric([])), ("label", .numeric([]))]))
        }
        #expect(throws: LearningError.missingColumn(name: "label", available: ["features"])) {
            try lr.fit(Table([("features", .numeric([1, 2]))]))
        }
        let model = try lr.fit(Table([("features", .numeric([1, 2, 3, 4])), ("label", .numeric([0, 1, 0, 1]))]))
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 1, found: 2)) { try model.probability([1, 2]) }
        let wide = try Table([("features", .vector(DenseVectorColumn(rows: [[1, 2]]))), ("label", .numeric([1]))])
        #expect(throws: LearningError.dimensionMismatch(column: "features", expected: 1, found: 2)) { try model.transform(wide) }
    }
}
