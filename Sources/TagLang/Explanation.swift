/// Why an expression has its value for one profile: each sub-expression as written, with the
/// value it had. Produced by `CompiledExpression.explain`, for `?explain=` and `--dry-run`.
public struct Explanation: Sendable, Equatable {
    public var text: String
    public var value: Value
    public var children: [Explanation]

    /// An indented, human-readable rendering: `attr.city == "Paris" → true`.
    public func rendered(indent: String = "") -> String {
        ([indent + "\(text) → \(value)"] + children.map { $0.rendered(indent: indent + "  ") }).joined(separator: "\n")
    }
}

extension CompiledExpression {
    /// Evaluates again, recording every sub-expression's value. Uses the same operator
    /// semantics as `evaluate`, so the top value always equals it.
    public func explain(_ context: some EvaluationContext) -> Explanation {
        let bytes = Array(source.utf8)
        var steps = 0
        defer { TagLangWorkCounter.record(steps) }
        func text(_ expression: Expression) -> String {
            let upper = min(expression.range.upperBound, bytes.count)
            let lower = min(expression.range.lowerBound, upper)
            steps += 1 + upper - lower
            return String(decoding: bytes[lower..<upper], as: UTF8.self).trimmingSpaces()
        }
        func node(_ expression: Expression) -> Explanation {
            var children: [Explanation] = []
            func child(_ sub: Expression) -> Value {
                let explained = node(sub)
                children.append(explained)
                return explained.value
            }
            let value: Value
            switch expression.node {
            case .literal(let literal): value = literal
            case .reference(let reference): value = context.value(of: reference)
            case .negate(let operand):
                switch child(operand) {
                case .number(let number): value = .number(-number)
                case .duration(let duration): value = .duration(-duration)
                default: value = .null
                }
            case .not(let operand): value = .bool(!child(operand).isTrue)
            case .binary(let op, let left, let right):
                let lhs = child(left)
                // Mirror the short-circuit: the right side of a decided and/or is not evaluated.
                if op == .and, !lhs.isTrue { value = .bool(false) }
                else if op == .or, lhs.isTrue { value = .bool(true) }
                else { value = Operations.binary(op, lhs, child(right)) }
            case .membership(let tested, let items, let negated):
                let candidate = child(tested)
                value = .bool(items.map { node($0).value }.contains(candidate) != negated)
            case .call(let name, let arguments):
                value = Functions.call(name, arguments.map(child), nowMs: context.nowMs)
            case .caseWhen(let branches, let otherwise):
                var chosen: Value?
                for branch in branches where chosen == nil {
                    if child(branch.condition).isTrue { chosen = child(branch.value) }
                }
                value = chosen ?? otherwise.map(child) ?? .null
            case .list(let items): value = .list(items.map(child))
            }
            return Explanation(text: text(expression), value: value, children: children)
        }
        return node(expression)
    }
}

private extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
