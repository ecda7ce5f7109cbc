/// What an online example's label is, read from the user's profile as it stood at the
/// example's due time (the last profile written at or before it).
public enum OnlineLabel: Sendable, Equatable {
    /// ``FeatureLabel`` on that profile: `t.<tag>` true, or `<field>>=<n>`.
    case value(FeatureLabel)
    /// 1 when the field's number grew from the example's opening to its due time: with a
    /// lifetime count, "at least one purchase within the delay" exactly.
    case increase(field: String)

    /// Parses `increase(m.purchases_total)`, else a ``FeatureLabel`` spec.
    public init(spec: String) throws(FeatureLabelError) {
        let text = spec.filter { !$0.isWhitespace }
        if text.hasPrefix("increase("), text.hasSuffix(")") {
            let field = String(text.dropFirst("increase(".count).dropLast())
            guard FeatureValue.isFeatureField(field) else { throw .invalid(spec) }
            self = .increase(field: field)
        } else {
            self = .value(try FeatureLabel(spec: text))
        }
    }

    /// The profile field read.
    public var field: String {
        switch self {
        case .value(let label): label.field
        case .increase(let field): field
        }
    }

    /// The canonical text (stored with each version, so snapshots of one label compare).
    public var spec: String {
        switch self {
        case .value(let label): label.spec
        case .increase(let field): "increase(\(field))"
        }
    }

    /// The label from the field's text when the example opened and at its due time.
    func label(opened: String?, due: String?) -> Double {
        switch self {
        case .value(let label): label.label(due)
        case .increase: FeatureValue.number(due) > FeatureValue.number(opened) ? 1 : 0
        }
    }
}
