/// What a model says about one profile.
public enum ModelScore: Sendable, Hashable {
    /// Logistic regression: P(label = 1).
    case probability(Double)
    /// k-means: the index of the nearest centre.
    case cluster(Int)

    /// The value as the profile hash stores it (numbers without `.0`, as the processor writes them).
    public var text: String {
        switch self {
        case .probability(let value): String(value)
        case .cluster(let index): String(index)
        }
    }
}
