import MySQL

/// A failure of the ingest, with what to do about it.
public enum IngestError: Error, CustomStringConvertible {
    /// Neither Kafka brokers nor an output file were given.
    case noDestination
    /// The output file cannot be opened.
    case cannotOpenOutput(path: String, reason: String)
    /// The metadata schema (cdc_positions) is missing.
    case metadataMissing(MySQLError)
    /// Stopped while Kafka was unreachable: the position was not saved past these messages,
    /// so the next run sends them again.
    case flushAbandoned(unacknowledged: Int)
    /// The binlog carries no column names and `information_schema` cannot give the columns
    /// of the table as they were at `position` (e.g. the table changed again since).
    case columnsUnknown(table: String, position: BinlogPosition, reason: String)

    public var description: String {
        switch self {
        case .noDestination: "no destination: give Kafka brokers, or --output - for JSON lines on standard output"
        case .cannotOpenOutput(let path, let reason): "cannot open output \(path): \(reason)"
        case .metadataMissing(let error): "cannot use Portrait's metadata schema (run `portrait migrate` first): \(error)"
        case .columnsUnknown(let table, let position, let reason):
            "cannot name the columns of \(table) at \(position): \(reason); the binlog carries no column names, so set binlog_row_metadata=FULL on the source (MySQL 8, MariaDB 10.5+) or read this part of the binlog before the table changes again"
        case .flushAbandoned(let count):
            "stopped while Kafka was unreachable: \(count) change(s) were not acknowledged; the position was not saved past them, so the next run sends them again"
        }
    }
}
