/// A parsed TagLang expression: a node, where it starts, and the source range it covers
/// (so `explain` can quote each sub-expression as written).
public struct Expression: Sendable {
    public indirect enum Node: Sendable {
        case literal(Value)
        case reference(Reference)
        case negate(Expression)
        case not(Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `x in [a, b]`, or `x not in [...]` when `negated`.
        case membership(Expression, [Expression], negated: Bool)
        case call(String, [Expression])
        /// `case when c1 then v1 when c2 then v2 else v3 end`.
        case caseWhen([(condition: Expression, value: Expression)], otherwise: Expression?)
        case list([Expression])
    }

    public var node: Node
    public var location: SourceLocation
    /// UTF-8 offsets of the expression in its source.
    public var range: Range<Int>
}

/// What a name refers to.
public enum Reference: Sendable, Hashable, CustomStringConvertible {
    case attribute(String)
    case metric(String)
    /// A model output: `model.<name>.score` or `model.<name>.cluster`.
    case model(name: String, output: String)
    /// Another tag's value (segments combine tags).
    case tag(String)
    /// A field of the event being filtered (metric filters): `event.type`, `event.amount`.
    case event(String)

    public var description: String {
        switch self {
        case .attribute(let name): "attr.\(name)"
        case .metric(let name): "metric.\(name)"
        case .model(let name, let output): "model.\(name).\(output)"
        case .tag(let name): "tag.\(name)"
        case .event(let name): "event.\(name)"
        }
    }
}

/// Binary operators, lowest precedence first within each group.
public enum BinaryOperator: String, Sendable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}
