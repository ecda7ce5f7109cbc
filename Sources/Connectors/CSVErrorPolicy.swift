/// What a CSV source does with a line it cannot decode.
public enum CSVErrorPolicy: Sendable, Hashable {
    /// Count the line (see ``CSVReadStatistics``) and continue.
    case skip
    /// Stop the job with ``CSVError/malformedLine(path:line:reason:)``.
    case fail
}
