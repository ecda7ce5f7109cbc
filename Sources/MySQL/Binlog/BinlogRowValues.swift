/// What a reader makes of the rows in a rows event.
public enum BinlogRowValues: Sendable {
    /// Decoded to `MySQLValue`s in `RowsEvent.rows`.
    case decoded
    /// Kept as the event's bytes in `RowsEvent.images` (checked as decoding would), for
    /// writers that encode column bytes straight to their output (`RowImageJSON`).
    case bytes
}
