import PortraitCore
@testable import PortraitProcessor
import Testing

/// The recent-events list's entries as held until the flush: each event's record, as
/// ``BehaviourRecord`` writes it, oldest first, the newest kept.
@Suite struct EventRecordsTests {
    static func event(_ ms: Int64, _ type: String) -> ProfileEvent {
        ProfileEvent(userId: "u1", timestampMs: ms, fields: ["user_id": .string("u1"), "type": .string(type), "ts": .timestamp(ms), "amount": .number(2.5)])
    }

    static func texts(_ records: EventRecords) -> [String] {
        var texts: [String] = []
        records.forEach { texts.append(String(decoding: $0, as: UTF8.self)) }
        return texts
    }

    static func record(_ event: ProfileEvent) -> String {
        var bytes: [UInt8] = []
        BehaviourRecord.write(event: event, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func recordsAreTheEventsEntriesInOrder() {
        let events = (0..<5).map { Self.event(Int64($0) * 1_000, $0 % 2 == 0 ? "view" : "purchase") }
        var records = EventRecords()
        for event in events.prefix(2) { records.append(event) }
        var later = EventRecords()
        for event in events.dropFirst(2) { later.append(event) }
        records.append(contentsOf: later)
        #expect(records.count == 5)
        #expect(Self.texts(records) == events.map(Self.record))
        #expect(Self.texts(records).first == #"{"t":0,"f":{"amount":2.5,"ts":0,"type":"view","user_id":"u1"}}"#)

        records.keepNewest(3)
        #expect(Self.texts(records) == events.suffix(3).map(Self.record))
        records.keepNewest(3)
        #expect(records.count == 3, "nothing beyond the limit: nothing dropped")
        records.append(Self.event(9_000, "view"))
        #expect(Self.texts(records) == (events.suffix(3) + [Self.event(9_000, "view")]).map(Self.record))
        let literal: EventRecords = [events[0], events[1]]
        #expect(Self.texts(literal) == events.prefix(2).map(Self.record))
        #expect(EventRecords().isEmpty)
    }

    /// A long backlog folded at once keeps only the newest, in a buffer of their size.
    @Test func keepingFewOfManyRecords() {
        let events = (0..<300).map { Self.event(Int64($0), "view") }
        var records = EventRecords()
        for event in events { records.append(event) }
        let before = records.footprint
        records.keepNewest(100)
        #expect(Self.texts(records) == events.suffix(100).map(Self.record))
        #expect(records.footprint < before / 2, "most of the buffer given back")
        var more: EventRecords = [Self.event(500, "cart")]
        more.append(contentsOf: records)
        #expect(Self.texts(more) == ([Self.event(500, "cart")] + events.suffix(100)).map(Self.record))
        records.keepNewest(0)
        #expect(records.isEmpty && Self.texts(records).isEmpty)
    }
}
