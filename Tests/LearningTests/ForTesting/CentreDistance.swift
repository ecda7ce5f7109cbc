import Learning

/// Comparing fitted centres with known ones.
enum CentreDistance {
    static func euclidean(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for index in 0 ..< a.count {
            let difference = a[index] - b[index]
            total += difference * difference
        }
        return total.squareRoot()
    }

    /// For each true centre, the distance to the nearest fitted centre; returns the largest.
    static func worst(_ model: KMeansModel, _ truth: [[Double]]) -> Double {
        var worst = 0.0
        for centre in truth {
            var nearest = Double.infinity
            for index in 0 ..< model.k { nearest = min(nearest, euclidean(Array(model.centres[index]), centre)) }
            worst = max(worst, nearest)
        }
        return worst
    }
}
