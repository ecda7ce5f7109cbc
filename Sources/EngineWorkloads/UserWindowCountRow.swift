import Connectors

/// A W2/W3 result row: a count per user and window.
public struct UserWindowCountRow: Sendable, Hashable {
    /// The user.
    public var userID: Int64
    /// Window start, epoch ms.
    public var windowStart: Int64
    /// Window end (exclusive), epoch ms.
    public var windowEnd: Int64
    /// Matching events in the window.
    public var count: Int64
}

/// Writes `user_id,window_start_ms,window_end_ms,<count column>` rows.
public struct UserWindowCountRowEncoder: CSVRowEncoder {
    /// Creates the encoder.
    public init() {}

    @inlinable
    public func encode(_ row: UserWindowCountRow, into writer: inout CSVLineWriter) {
        writer.field(row.userID)
        writer.field(row.windowStart)
        writer.field(row.windowEnd)
        writer.field(row.count)
        writer.endRow()
    }
}
