/// What the ingest does with an event it cannot decode (an unsupported column type, a
/// corrupt event): either way the event and its position are logged.
public enum UndecodableEventPolicy: String, Sendable {
    /// Stop with the error, so nothing is skipped silently. The default.
    case stop
    /// Log it and continue with the next event (its rows are lost).
    case skip
}
