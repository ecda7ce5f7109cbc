/// Errors of the CSV connectors; each says which file and line to look at.
public enum CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened.
    case cannotOpen(path: String, errno: Int32)
    /// Reading failed midway.
    case readFailed(path: String, errno: Int32)
    /// Writing failed (disk full, permissions…).
    case writeFailed(path: String, errno: Int32)
    /// A line could not be decoded (wrong field count, bad number…); `line` is 1-based.
    case malformedLine(path: String, line: Int, reason: String)
    /// A line is longer than the reader accepts.
    case lineTooLong(path: String, line: Int, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open \(path) (errno \(code)); check the path and permissions"
        case .readFailed(let path, let code): "reading \(path) failed (errno \(code))"
        case .writeFailed(let path, let code): "writing \(path) failed (errno \(code)); check free space and permissions"
        case .malformedLine(let path, let line, let reason):
            "\(path):\(line): malformed CSV line: \(reason) (use the skip error policy to ignore such lines)"
        case .lineTooLong(let path, let line, let limit): "\(path):\(line): line longer than \(limit) bytes"
        }
    }
}

/// Why one field of a row could not be decoded; the reader adds the file and line.
public struct CSVFieldError: Error, Sendable, Equatable {
    /// Zero-based field index, or `nil` for row-level problems.
    public var field: Int?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(field: Int?, reason: String) {
        self.field = field
        self.reason = reason
    }
}
