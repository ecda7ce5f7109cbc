/// Turns a profile hash value into a model input. Training (``ProfileFeatureTable``) and
/// scoring (``ModelScorer``) both go through here, so a profile is read the same way by both.
///
/// - a number (as the processor writes them: `3`, `2.5`, epoch ms for times) is itself;
/// - a boolean tag or attribute is 1 for `true`, 0 for `false`;
/// - anything else — a missing field, text, NaN or ±inf — is 0. Missing means "none seen":
///   a metric the processor has not written yet is a count or sum of nothing. Text attributes
///   are not numeric features; pass only numeric fields.
public enum FeatureValue {
    public static func number(_ text: String?) -> Double {
        guard let text else { return 0 }
        switch text {
        case "true": return 1
        case "false": return 0
        default:
            guard let value = Double(text), value.isFinite else { return 0 }
            return value
        }
    }

    /// The model's input vector for one profile's fields, in `features` order.
    public static func vector(_ fields: [String: String], features: [String]) -> [Double] {
        features.map { number(fields[$0]) }
    }

    /// Whether `name` is a profile field a model may read: `m.<metric>`, `a.<attribute>` or
    /// `t.<tag>`, with a non-empty name.
    public static func isFeatureField(_ name: String) -> Bool {
        ["m.", "a.", "t."].contains { name.hasPrefix($0) && name.count > $0.count }
    }
}
