import PortraitCore
import TagLang

/// A loaded version scores profiles inside the processor's own evaluation, reading the
/// feature fields through ``FeatureValue`` exactly as training read them.
extension ModelScorer: ProfileScorer {
    public var output: String { algorithm.output }

    public func profileValue(fields: [String: String]) -> Value {
        // The vector has the model's dimension by construction, so scoring cannot fail here;
        // `.null` keeps a surprise from writing a wrong number.
        guard let score = try? score(fields) else { return .null }
        switch score {
        case .probability(let probability): return .number(probability)
        case .cluster(let index): return .number(Double(index))
        }
    }
}
