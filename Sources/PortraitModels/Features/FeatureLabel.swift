/// The 0/1 label a classifier learns, read from one profile field:
///
/// - `t.<tag>`: 1 when the boolean tag is `true`, else 0 (missing included);
/// - `<field>>=<number>` or `<field>><number>`: 1 when the field's number
///   (``FeatureValue/number(_:)``) is at least / above the threshold.
public struct FeatureLabel: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        case tagIsTrue
        case atLeast(Double)
        case above(Double)
    }

    public let field: String
    public let rule: Rule

    /// Parses `t.buyer`, `m.orders_30d>=3` or `m.spend>100`.
    public init(spec: String) throws(FeatureLabelError) {
        let text = spec.filter { !$0.isWhitespace }
        for (symbol, make) in [(">=", Rule.atLeast), (">", Rule.above)] {
            guard let range = text.range(of: symbol) else { continue }
            let field = String(text[..<range.lowerBound])
            guard FeatureValue.isFeatureField(field) else { throw .invalid(spec) }
            guard let threshold = Double(text[range.upperBound...]), threshold.isFinite else { throw .invalid(spec) }
            self.field = field
            self.rule = make(threshold)
            return
        }
        guard text.hasPrefix("t."), FeatureValue.isFeatureField(text) else { throw .invalid(spec) }
        field = text
        rule = .tagIsTrue
    }

    /// The label for one stored value of ``field``.
    public func label(_ text: String?) -> Double {
        switch rule {
        case .tagIsTrue: text == "true" ? 1 : 0
        case .atLeast(let threshold): FeatureValue.number(text) >= threshold ? 1 : 0
        case .above(let threshold): FeatureValue.number(text) > threshold ? 1 : 0
        }
    }

    /// The canonical text, stored with the version so labels can be compared.
    public var spec: String {
        switch rule {
        case .tagIsTrue: field
        case .atLeast(let threshold): "\(field)>=\(threshold)"
        case .above(let threshold): "\(field)>\(threshold)"
        }
    }
}

public enum FeatureLabelError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let spec): "invalid label '\(spec)': write t.<tag> (true = 1) or <field>>=<number> (e.g. m.orders_30d>=3)"
        }
    }
}
