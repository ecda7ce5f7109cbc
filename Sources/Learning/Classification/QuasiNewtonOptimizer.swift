/// Limited-memory quasi-Newton minimisation: L-BFGS (Nocedal 1980) for smooth objectives and
/// OWL-QN (Andrew & Gao 2007) when an L1 term `Σ l1ᵢ·|xᵢ|` is added.
///
/// OWL-QN keeps L-BFGS's curvature pairs from the smooth part, but steers with the L1
/// objective's pseudo-gradient and keeps each step inside one orthant, so coordinates can
/// land exactly on zero — which is what makes L1 produce sparse models.
struct QuasiNewtonOptimizer {
    /// Curvature pairs kept.
    var memory = 10
    var maxIterations: Int
    /// Stop when the (pseudo-)gradient norm is below `tolerance · max(1, ‖x‖)`.
    var tolerance: Double
    /// Per-coordinate L1 strength; all zeros means plain L-BFGS.
    var l1: [Double]

    struct Result {
        var x: [Double]
        var value: Double
        var iterations: Int
    }

    /// Minimises `smooth(x) + Σ l1ᵢ|xᵢ|` from `start`; `smooth` returns the value and writes the
    /// gradient. Throws ``LearningError/diverged(operation:iteration:)`` on a non-finite value.
    func minimize(from start: [Double], _ smooth: (_ x: [Double], _ gradient: inout [Double]) -> Double) throws(LearningError) -> Result {
        let count = start.count
        let usesL1 = l1.contains { $0 > 0 }
        var x = start
        var gradient = [Double](repeating: 0, count: count)
        var value = smooth(x, &gradient) + l1Penalty(x)
        guard value.isFinite else { throw .diverged(operation: "logistic regression", iteration: 0) }
        var steps: [[Double]] = [], changes: [[Double]] = [], curvatures: [Double] = []
        var iterations = 0
        var trialGradient = [Double](repeating: 0, count: count)
        while iterations < maxIterations {
            let steer = usesL1 ? pseudoGradient(x, gradient) : gradient
            if norm(steer) <= tolerance * max(1, norm(x)) { break }
            iterations += 1
            var direction = twoLoop(steer, steps: steps, changes: changes, curvatures: curvatures)
            if usesL1 {
                // Drop components that would move against the pseudo-gradient's descent sign.
                for index in 0 ..< count where direction[index] * steer[index] >= 0 { direction[index] = 0 }
            }
            var slope = dot(direction, steer)
            if slope >= 0 {
                // Curvature information went stale; restart from steepest descent.
                steps.removeAll(); changes.removeAll(); curvatures.removeAll()
                direction = steer.map { -$0 }
                slope = dot(direction, steer)
            }
            let orthant = usesL1 ? (0 ..< count).map { x[$0] != 0 ? sign(x[$0]) : sign(-steer[$0]) } : []
            var stepSize = steps.isEmpty ? min(1, 1 / max(norm(steer), 1e-12)) : 1
            var accepted = false
            var trial = x, trialValue = value
            for _ in 0 ..< 60 {
                for index in 0 ..< count { trial[index] = x[index] + stepSize * direction[index] }
                if usesL1 {
                    for index in 0 ..< count where trial[index] * orthant[index] <= 0 { trial[index] = 0 }
                }
                trialValue = smooth(trial, &trialGradient) + l1Penalty(trial)
                var decrease = 0.0
                for index in 0 ..< count { decrease += steer[index] * (trial[index] - x[index]) }
                // Armijo sufficient decrease along the (projected) step.
                if trialValue.isFinite, trialValue <= value + 1e-4 * decrease {
                    accepted = true
                    break
                }
                stepSize *= 0.5
            }
            guard accepted else {
                if !trialValue.isFinite && !value.isFinite { throw .diverged(operation: "logistic regression", iteration: iterations) }
                break // No further decrease is representable: x is as good as this precision allows.
            }
            var step = [Double](repeating: 0, count: count), change = [Double](repeating: 0, count: count)
            for index in 0 ..< count {
                step[index] = trial[index] - x[index]
                change[index] = trialGradient[index] - gradient[index]
            }
            let curvature = dot(step, change)
            if curvature > 1e-16 * dot(change, change) {
                steps.append(step); changes.append(change); curvatures.append(curvature)
                if steps.count > memory {
                    steps.removeFirst(); changes.removeFirst(); curvatures.removeFirst()
                }
            }
            let previous = value
            x = trial
            value = trialValue
            swap(&gradient, &trialGradient)
            if abs(previous - value) <= 1e-15 * max(abs(value), 1) { break }
        }
        return Result(x: x, value: value, iterations: iterations)
    }

    /// The L1 objective's minimum-norm subgradient.
    private func pseudoGradient(_ x: [Double], _ gradient: [Double]) -> [Double] {
        var result = gradient
        for index in 0 ..< x.count where l1[index] > 0 {
            let strength = l1[index]
            if x[index] > 0 {
                result[index] = gradient[index] + strength
            } else if x[index] < 0 {
                result[index] = gradient[index] - strength
            } else if gradient[index] + strength < 0 {
                result[index] = gradient[index] + strength
            } else if gradient[index] - strength > 0 {
                result[index] = gradient[index] - strength
            } else {
                result[index] = 0
            }
        }
        return result
    }

    private func l1Penalty(_ x: [Double]) -> Double {
        var total = 0.0
        for index in 0 ..< x.count where l1[index] > 0 { total += l1[index] * abs(x[index]) }
        return total
    }

    /// `−H·g` by the L-BFGS two-loop recursion.
    private func twoLoop(_ gradient: [Double], steps: [[Double]], changes: [[Double]], curvatures: [Double]) -> [Double] {
        var q = gradient
        var alphas = [Double](repeating: 0, count: steps.count)
        for pair in stride(from: steps.count - 1, through: 0, by: -1) {
            alphas[pair] = dot(steps[pair], q) / curvatures[pair]
            for index in 0 ..< q.count { q[index] -= alphas[pair] * changes[pair][index] }
        }
        if let last = steps.indices.last {
            let scale = curvatures[last] / dot(changes[last], changes[last])
            for index in 0 ..< q.count { q[index] *= scale }
        }
        for pair in 0 ..< steps.count {
            let beta = dot(changes[pair], q) / curvatures[pair]
            for index in 0 ..< q.count { q[index] += (alphas[pair] - beta) * steps[pair][index] }
        }
        return q.map { -$0 }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for index in 0 ..< a.count { total += a[index] * b[index] }
        return total
    }

    private func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    private func sign(_ value: Double) -> Double { value > 0 ? 1 : (value < 0 ? -1 : 0) }
}
