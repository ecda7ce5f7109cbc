import Connectors

/// A W1 result row: count and amount per user, event type and hour.
public struct UserEventTypeWindowRow: Sendable, Hashable {
    /// The user.
    public var userID: Int64
    /// The event type.
    public var eventType: EventType
    /// Window start, epoch ms.
    public var windowStart: Int64
    /// Window end (exclusive), epoch ms.
    public var windowEnd: Int64
    /// Events in the window.
    public var count: Int64
    /// Sum of amounts in cents.
    public var sumCents: Int64
}

/// Writes W1 rows: `user_id,event_type,window_start_ms,window_end_ms,cnt,sum_amount`.
public struct UserEventTypeWindowRowEncoder: CSVRowEncoder {
    /// Resolves event-type names.
    public let eventTypes: EventTypeTable

    /// The header line.
    public static let header = "user_id,event_type,window_start_ms,window_end_ms,cnt,sum_amount"

    @inlinable
    public func encode(_ row: UserEventTypeWindowRow, into writer: inout CSVLineWriter) {
        writer.field(row.userID)
        writer.field(unquoted: eventTypes.name(of: row.eventType))
        writer.field(row.windowStart)
        writer.field(row.windowEnd)
        writer.field(row.count)
        writer.field(scaled: row.sumCents, scale: 2)
        writer.endRow()
    }
}
