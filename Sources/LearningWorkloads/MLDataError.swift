/// Problems reading a learning benchmark file, each naming the file and line to look at.
public enum MLDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The header line is missing or does not have the expected columns.
    case badHeader(path: String, expected: String, found: String)
    /// A data line (1 = the first line after the header) has a different number of fields from the header.
    case wrongFieldCount(path: String, line: Int, expected: Int, found: Int)
    /// A numeric field does not parse as a number.
    case badNumber(path: String, line: Int, field: Int)
    /// An option is missing or invalid.
    case invalidOption(name: String, reason: String)

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .badHeader(path, expected, found):
            return "\(path): header should be \(expected) but is '\(found)'; generate the file with bench/gen_ml.py"
        case let .wrongFieldCount(path, line, expected, found):
            return "\(path) line \(line): \(found) fields, expected \(expected); the file may be truncated"
        case let .badNumber(path, line, field):
            return "\(path) line \(line) field \(field + 1) is not a number"
        case let .invalidOption(name, reason):
            return "option --\(name): \(reason)"
        }
    }

    /// The same error with its line number moved by `lines` (for files parsed in parts).
    func shiftingLine(by lines: Int) -> MLDataError {
        switch self {
        case let .wrongFieldCount(path, line, expected, found):
            return .wrongFieldCount(path: path, line: line + lines, expected: expected, found: found)
        case let .badNumber(path, line, field):
            return .badNumber(path: path, line: line + lines, field: field)
        default:
            return self
        }
    }
}
