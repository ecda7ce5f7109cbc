/// How a metric folds the matching events of its window into one value.
public enum MetricAggregation: String, Codable, Sendable, CaseIterable {
    case count, sum, min, max, avg, distinct
    case firstSeen = "first_seen"
    case lastSeen = "last_seen"
    case lastValue = "last_value"

    /// Whether the aggregation reads an event field (`count`, `first_seen`, `last_seen` do not).
    public var needsField: Bool {
        switch self {
        case .count, .firstSeen, .lastSeen: false
        default: true
        }
    }
}
