/// The built-in functions: their signatures for the type checker and their meaning at run time.
/// Why a call does not fit its function's signature.
struct SignatureMismatch: Error {
    let message: String
}

enum Functions {
    static let names = ["now", "days_since", "hours_since", "abs", "min", "max", "coalesce", "lower", "upper", "len", "contains", "is_null"]

    /// The result type of `name(arguments)`, or a message saying what is wrong.
    static func type(of name: String, arguments: [ValueType]) -> Result<ValueType, SignatureMismatch> {
        func expect(_ types: [ValueType]) -> Result<ValueType, SignatureMismatch>? {
            guard arguments.count == types.count else { return .failure(SignatureMismatch(message: "\(name)() takes \(types.count) argument(s), got \(arguments.count)")) }
            for (index, (actual, wanted)) in zip(arguments, types).enumerated() where actual.unified(with: wanted) != wanted {
                return .failure(SignatureMismatch(message: "argument \(index + 1) of \(name)() must be a \(wanted), got a \(actual)"))
            }
            return nil
        }
        switch name {
        case "now": return expect([]) ?? .success(.timestamp)
        case "days_since", "hours_since": return expect([.timestamp]) ?? .success(.number)
        case "abs": return expect([.number]) ?? .success(.number)
        case "lower", "upper": return expect([.string]) ?? .success(.string)
        case "len": return expect([.string]) ?? .success(.number)
        case "contains": return expect([.string, .string]) ?? .success(.bool)
        case "is_null": return arguments.count == 1 ? .success(.bool) : .failure(SignatureMismatch(message: "is_null() takes 1 argument, got \(arguments.count)"))
        case "min", "max":
            guard arguments.count >= 2 else { return .failure(SignatureMismatch(message: "\(name)() takes at least 2 arguments")) }
            return arguments.allSatisfy({ $0.unified(with: .number) == .number }) ? .success(.number) : .failure(SignatureMismatch(message: "\(name)() takes numbers"))
        case "coalesce":
            guard let first = arguments.first else { return .failure(SignatureMismatch(message: "coalesce() takes at least 1 argument")) }
            var common = first
            for argument in arguments.dropFirst() {
                guard let unified = common.unified(with: argument) else { return .failure(SignatureMismatch(message: "coalesce() arguments must share one type, got \(common) and \(argument)")) }
                common = unified
            }
            return .success(common)
        default:
            return .failure(SignatureMismatch(message: "unknown function \(name)(); known: \(names.joined(separator: ", "))"))
        }
    }

    static func call(_ name: String, _ arguments: [Value], nowMs: Int64) -> Value {
        switch (name, arguments.first) {
        case ("now", _): return .timestamp(nowMs)
        case ("days_since", .timestamp(let ms)?): return .number((Double(nowMs) - Double(ms)) / 86_400_000)  // no overflow trap at extreme clocks
        case ("hours_since", .timestamp(let ms)?): return .number((Double(nowMs) - Double(ms)) / 3_600_000)
        case ("abs", .number(let value)?): return .number(abs(value))
        case ("lower", .string(let text)?): return .string(text.lowercased())
        case ("upper", .string(let text)?): return .string(text.uppercased())
        case ("len", .string(let text)?): return .number(Double(text.count))
        case ("contains", .string(let text)?):
            if case .string(let part) = arguments[1] { return .bool(text.contains(part)) }
            return .null
        case ("is_null", let value?): return .bool(value == .null)
        case ("min", _), ("max", _):
            var numbers: [Double] = []
            for case .number(let value) in arguments { numbers.append(value) }
            guard numbers.count == arguments.count else { return .null }
            return .number(name == "min" ? numbers.min()! : numbers.max()!)
        case ("coalesce", _): return arguments.first { $0 != .null } ?? .null
        default: return .null
        }
    }
}
