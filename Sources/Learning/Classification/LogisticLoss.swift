import Foundation

/// Numerically stable pieces of the logistic loss.
enum LogisticLoss {
    /// `1 / (1 + e^−margin)` without overflow for large |margin|.
    @inline(__always)
    static func sigmoid(_ margin: Double) -> Double {
        if margin >= 0 {
            return 1 / (1 + exp(-margin))
        }
        let e = exp(margin)
        return e / (1 + e)
    }

    /// `log(1 + e^margin) − label·margin`: the negative log-likelihood of `label` ∈ {0, 1}.
    @inline(__always)
    static func loss(margin: Double, label: Double) -> Double {
        max(margin, 0) + log1p(exp(-abs(margin))) - label * margin
    }
}
