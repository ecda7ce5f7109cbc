/// One model learned online by FTRL from the profiles a processor writes
/// (`portrait process --online-model …`, docs/MODELS.md).
///
/// An **example** opens when a profile is written whose ``anchor`` holds (every written profile
/// when there is none) and the user has no open example: its features are the profile's
/// ``features`` at that moment. It is due ``delayMs`` of event time later; its ``label`` is read
/// from the last profile written at or before then. It closes (is trained on) when the user's
/// clock passes the due time, or, for a user with no later input, when the watermark of the
/// user's partition has passed it (every input up to the due time is then folded in). "Purchased
/// within 7 days of a visit": anchor `m.visits_1d`, label `increase(m.purchases_total)` (a
/// lifetime count), delay 7 days.
public struct OnlineLearningConfiguration: Sendable {
    /// When a snapshot is registered: as a candidate, or promoted at once (forced, recorded as
    /// such) so processors score with the newest weights.
    public enum Publication: String, Sendable, CaseIterable {
        case candidate, active
    }

    /// The registry name (`model.<name>.score`). Registered as logistic regression on first use.
    public var name: String
    /// Profile fields the model reads (`m.<metric>`, `a.<attribute>`, `t.<tag>`).
    public var features: [String]
    /// What counts as a positive.
    public var label: OnlineLabel
    /// Event time between an example's features and its label. Default: 7 days.
    public var delayMs: Int64 = 7 * 86_400_000
    /// A field that must be positive (or `true`) for a written profile to open an example.
    /// Default: none (every written profile can open one).
    public var anchor: String?
    /// Seconds between snapshots (the executable's timer). Default: 60.
    public var publishEverySeconds: Double = 60
    /// Default: candidate.
    public var publication: Publication = .candidate
    /// FTRL-Proximal's α, β, λ₁, λ₂. Defaults: 0.1, 1, 0, 0 (Learning's `FTRL` defaults).
    public var alpha = 0.1, beta = 1.0, l1 = 0.0, l2 = 0.0

    public init(name: String, features: [String], label: OnlineLabel) {
        self.name = name
        self.features = features
        self.label = label
    }

    /// Checks the fields and numbers once at start-up.
    public func validate() throws(OnlineLearningError) {
        guard !features.isEmpty else { throw .invalid("name at least one feature") }
        if let bad = (features + [anchor].compactMap { $0 }).first(where: { !FeatureValue.isFeatureField($0) }) {
            throw .invalid("'\(bad)' is not a profile field: write m.<metric>, a.<attribute> or t.<tag>")
        }
        guard Set(features).count == features.count else { throw .invalid("a feature is listed twice") }
        guard !features.contains(label.field) else { throw .invalid("the label field \(label.field) is also a feature") }
        guard delayMs > 0 else { throw .invalid("the label delay must be positive") }
        guard publishEverySeconds > 0, publishEverySeconds.isFinite else { throw .invalid("the publish interval must be positive") }
        guard alpha > 0, beta >= 0, l1 >= 0, l2 >= 0, [alpha, beta, l1, l2].allSatisfy(\.isFinite) else {
            throw .invalid("FTRL needs alpha > 0 and beta, l1, l2 ≥ 0")
        }
    }
}

public enum OnlineLearningError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let why): "online model: \(why)"
        }
    }
}
