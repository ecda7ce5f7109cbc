/// Checks an expression against a schema and works out its type, reporting the first problem
/// with its position.
public struct TypeChecker: Sendable {
    public let schema: TagLangSchema

    public init(schema: TagLangSchema) {
        self.schema = schema
    }

    public func check(_ expression: Expression) throws(TagLangError) -> ValueType {
        var steps = 0
        return try check(expression, steps: &steps)
    }

    /// `steps` counts the nodes visited, for `TagLangCancellation`.
    private func check(_ expression: Expression, steps: inout Int) throws(TagLangError) -> ValueType {
        try TagLangCancellation.check(step: steps, at: expression.location)
        steps += 1
        func fail(_ message: String) -> TagLangError { TagLangError(.type, at: expression.location, message) }
        switch expression.node {
        case .literal(let value):
            switch value {
            case .null: return .null
            case .bool: return .bool
            case .number: return .number
            case .string: return .string
            case .timestamp: return .timestamp
            case .duration: return .duration
            case .list: return .list(.null)
            }
        case .reference(let reference):
            guard let type = schema.type(of: reference) else {
                let known = schema.known(for: reference)
                throw fail("unknown \(reference)" + (known.isEmpty ? "" : "; known: \(known.prefix(20).joined(separator: ", "))"))
            }
            return type
        case .negate(let operand):
            let type = try check(operand, steps: &steps)
            guard type == .number || type == .duration || type == .null else { throw fail("'-' needs a number or a duration, got a \(type)") }
            return type
        case .not(let operand):
            let type = try check(operand, steps: &steps)
            guard type.unified(with: .bool) == .bool else { throw fail("'not' needs a boolean, got a \(type)") }
            return .bool
        case .binary(let op, let left, let right):
            let leftType = try check(left, steps: &steps), rightType = try check(right, steps: &steps)
            guard let type = Operations.type(op, leftType, rightType) else {
                throw TagLangError(.type, at: right.location, "'\(op.rawValue)' does not apply to a \(leftType) and a \(rightType)")
            }
            return type
        case .membership(let value, let items, _):
            let valueType = try check(value, steps: &steps)
            for item in items {
                let itemType = try check(item, steps: &steps)
                guard valueType.unified(with: itemType) != nil else {
                    throw TagLangError(.type, at: item.location, "list item is a \(itemType) but the value tested is a \(valueType)")
                }
            }
            return .bool
        case .call(let name, let arguments):
            var types: [ValueType] = []
            for argument in arguments { types.append(try check(argument, steps: &steps)) }
            switch Functions.type(of: name, arguments: types) {
            case .success(let type): return type
            case .failure(let mismatch): throw fail(mismatch.message)
            }
        case .caseWhen(let branches, let otherwise):
            var result = ValueType.null
            for branch in branches {
                let conditionType = try check(branch.condition, steps: &steps)
                guard conditionType.unified(with: .bool) == .bool else {
                    throw TagLangError(.type, at: branch.condition.location, "a 'when' condition must be a boolean, got a \(conditionType)")
                }
                let valueType = try check(branch.value, steps: &steps)
                guard let unified = result.unified(with: valueType) else {
                    throw TagLangError(.type, at: branch.value.location, "every 'then' must have one type: \(result) before, \(valueType) here")
                }
                result = unified
            }
            if let otherwise {
                let elseType = try check(otherwise, steps: &steps)
                guard let unified = result.unified(with: elseType) else {
                    throw TagLangError(.type, at: otherwise.location, "'else' is a \(elseType) but the branches are \(result)")
                }
                result = unified
            }
            return result
        case .list(let items):
            var element = ValueType.null
            for item in items {
                let type = try check(item, steps: &steps)
                guard let unified = element.unified(with: type) else {
                    throw TagLangError(.type, at: item.location, "list items must share one type: \(element) and \(type)")
                }
                element = unified
            }
            return .list(element)
        }
    }
}
