import Connectors

/// Decodes benchmark event lines straight from the CSV bytes.
public struct UserEventDecoder: CSVRecordDecoder {
    /// Where unknown event-type names are interned.
    public let eventTypes: EventTypeTable

    /// Creates a decoder.
    public init(eventTypes: EventTypeTable) { self.eventTypes = eventTypes }

    public var expectedFieldCount: Int? { 6 }

    @inlinable
    public func decode(_ row: CSVRow) throws(CSVFieldError) -> UserEvent {
        UserEvent(
            timestamp: try row.int64(0),
            userID: try row.int64(1),
            eventType: try eventType(row),
            itemID: try row.int64(3),
            category: category(row),
            amountCents: try row.scaledDecimal(5, scale: 2))
    }

    @inlinable
    func eventType(_ row: CSVRow) throws(CSVFieldError) -> EventType {
        // The four known names by length and bytes; anything else goes through the table.
        if row.field(2, equals: "view") { return .view }
        if row.field(2, equals: "click") { return .click }
        if row.field(2, equals: "purchase") { return .purchase }
        if row.field(2, equals: "cart") { return .cart }
        let raw = row.bytes(2)
        guard !raw.isEmpty else { throw CSVFieldError(field: 2, reason: "empty event type") }
        guard let interned = eventTypes.intern(raw) else {
            throw CSVFieldError(field: 2, reason: "more than 256 distinct event types")
        }
        return interned
    }

    @inlinable
    func category(_ row: CSVRow) -> Int32 {
        let raw = row.bytes(4)
        guard raw.count >= 2, raw.count <= 6, raw[0] == UInt8(ascii: "c") else { return -1 }
        var value: Int32 = 0
        for byte in raw.dropFirst() {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return -1 }
            value = value * 10 + Int32(digit)
        }
        return value
    }
}
