/// The meaning of each operator on runtime values, shared by compiled evaluation and `explain`
/// so the two can never disagree. Null propagates through arithmetic; a comparison with null
/// is false except `== null` / `!= null`.
enum Operations {
    static func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        switch op {
        case .and: return .bool(left.isTrue && right.isTrue)
        case .or: return .bool(left.isTrue || right.isTrue)
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = compare(left, right) else { return .bool(false) }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add, .subtract, .multiply, .divide, .remainder:
            return arithmetic(op, left, right)
        }
    }

    /// -1, 0 or 1 for values of one ordered type; `nil` when they do not compare.
    static func compare(_ left: Value, _ right: Value) -> Int? {
        switch (left, right) {
        case (.number(let a), .number(let b)): a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let a), .string(let b)): a < b ? -1 : (a > b ? 1 : 0)
        case (.timestamp(let a), .timestamp(let b)), (.duration(let a), .duration(let b)): a < b ? -1 : (a > b ? 1 : 0)
        case (.bool(let a), .bool(let b)): a == b ? 0 : (a ? 1 : -1)
        default: nil
        }
    }

    static func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        switch (op, left, right) {
        case (_, .number(let a), .number(let b)):
            switch op {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return b == 0 ? .null : .number(a / b)
            default: return b == 0 ? .null : .number(a.truncatingRemainder(dividingBy: b))
            }
        case (.subtract, .timestamp(let a), .timestamp(let b)): return checked(a.subtractingReportingOverflow(b), Value.duration)
        case (.add, .timestamp(let a), .duration(let b)), (.add, .duration(let b), .timestamp(let a)): return checked(a.addingReportingOverflow(b), Value.timestamp)
        case (.subtract, .timestamp(let a), .duration(let b)): return checked(a.subtractingReportingOverflow(b), Value.timestamp)
        case (.add, .duration(let a), .duration(let b)): return checked(a.addingReportingOverflow(b), Value.duration)
        case (.subtract, .duration(let a), .duration(let b)): return checked(a.subtractingReportingOverflow(b), Value.duration)
        case (.multiply, .duration(let a), .number(let b)), (.multiply, .number(let b), .duration(let a)): return milliseconds(Double(a) * b)
        case (.divide, .duration(let a), .number(let b)): return b == 0 ? .null : milliseconds(Double(a) / b)
        default: return .null
        }
    }

    /// The result type of `left op right`, `nil` when the operator does not apply.
    static func type(_ op: BinaryOperator, _ left: ValueType, _ right: ValueType) -> ValueType? {
        switch op {
        case .and, .or:
            return left.unified(with: .bool) == .bool && right.unified(with: .bool) == .bool ? .bool : nil
        case .equal, .notEqual:
            return left.unified(with: right) != nil ? .bool : nil
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let common = left.unified(with: right) else { return nil }
            return [.number, .string, .timestamp, .duration, .null].contains(common) ? .bool : nil
        case .add, .subtract, .multiply, .divide, .remainder:
            switch (op, left, right) {
            case (_, .null, _), (_, _, .null): return .null
            case (_, .number, .number): return .number
            case (.subtract, .timestamp, .timestamp): return .duration
            case (.add, .timestamp, .duration), (.add, .duration, .timestamp), (.subtract, .timestamp, .duration): return .timestamp
            case (.add, .duration, .duration), (.subtract, .duration, .duration): return .duration
            case (.multiply, .duration, .number), (.multiply, .number, .duration), (.divide, .duration, .number): return .duration
            default: return nil
            }
        }
    }

    /// Time arithmetic that overflows gives null: an expression must never trap the processor.
    static func checked(_ result: (partialValue: Int64, overflow: Bool), _ make: (Int64) -> Value) -> Value {
        result.overflow ? .null : make(result.partialValue)
    }

    static func milliseconds(_ value: Double) -> Value {
        value.isFinite && abs(value) < 9.2e18 ? .duration(Int64(value)) : .null
    }
}
