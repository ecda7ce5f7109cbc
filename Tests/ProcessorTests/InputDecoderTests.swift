import JSON
import PortraitCore
@testable import PortraitProcessor
import TagLang
import Testing
import Yams

/// The mapping of config/profiles.yaml, parsed the way `portrait process` reads it.
let sampleMappingYAML = """
    profile_tables:
      shop.users:
        user_id: id
        attributes:
          city: string
          gender: string
          birth_year: number
          member_level: string
          registered_at: {column: created_at, type: timestamp}

    event_tables:
      shop.orders:
        user_id: user_id
        type: purchase
        time: created_at
        fields:
          amount: total
          category: category
          item_id: sku

    event_topics: [events]
    """

func sampleMapping() throws -> ProfileMapping {
    try ProfileMapping(document: try Yams.load(yaml: sampleMappingYAML), file: "profiles.yaml")
}

@Suite struct InputDecoderTests {
    static let jan1: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

    let decoder: InputDecoder

    init() throws {
        decoder = InputDecoder(mapping: try sampleMapping(), topicPrefix: "portrait", eventFieldTypes: DefinitionValidator.standardEventFields)
    }

    func decode(_ topic: String, _ json: String) -> InputDecoder.Outcome {
        decoder.decode(topic: topic, value: Array(json.utf8))
    }

    func reason(_ outcome: InputDecoder.Outcome) -> String? {
        if case .deadLetter(let reason) = outcome { return reason }
        return nil
    }

    @Test func topicsComeFromTheMapping() {
        #expect(decoder.topics == ["portrait.cdc.shop.orders", "portrait.cdc.shop.users", "portrait.events"])
    }

    @Test func userInsertBecomesTypedAttributes() {
        let outcome = decode("portrait.cdc.shop.users", """
            {"op":"c","db":"shop","table":"users","pk":{"id":42},"before":null,
             "after":{"id":42,"city":"Paris","gender":null,"birth_year":1990,"member_level":"gold","created_at":"2026-01-01 00:00:00.123"},
             "ts_ms":1767225700000,"pos":null,"schema_version":1}
            """)
        #expect(outcome == .input(.attributes(AttributeChange(userId: "42", timestampMs: 1_767_225_700_000, values: [
            "city": .string("Paris"),
            "gender": .null,
            "birth_year": .number(1990),
            "member_level": .string("gold"),
            "registered_at": .timestamp(Self.jan1 + 123),
        ]))))
    }

    @Test func userDeleteClearsEveryMappedAttribute() {
        let outcome = decode("portrait.cdc.shop.users", """
            {"op":"d","before":{"id":42,"city":"Paris","birth_year":1990,"created_at":"2026-01-01 00:00:00"},"after":null,"ts_ms":1767225800000}
            """)
        #expect(outcome == .input(.attributes(AttributeChange(userId: "42", timestampMs: 1_767_225_800_000, values: [
            "city": .null, "gender": .null, "birth_year": .null, "member_level": .null, "registered_at": .null,
        ]))))
    }

    @Test func orderInsertBecomesAPurchaseAtItsCreationTime() {
        let outcome = decode("portrait.cdc.shop.orders", """
            {"op":"c","before":null,
             "after":{"order_id":9,"user_id":42,"total":"12.50","category":"books","sku":"B-1","created_at":"2026-01-01 00:00:00"},
             "ts_ms":1767225999000}
            """)
        #expect(outcome == .input(.event(ProfileEvent(userId: "42", timestampMs: Self.jan1, fields: [
            "user_id": .string("42"),
            "type": .string("purchase"),
            "ts": .timestamp(Self.jan1),
            "amount": .number(12.5),
            "category": .string("books"),
            "item_id": .string("B-1"),
        ]))))
    }

    @Test func snapshotReadOfAnOrderIsAnEventButAnUpdateIsIgnored() {
        let row = #"{"user_id":42,"total":"1.00","category":"books","sku":"B-1","created_at":"2026-01-01"}"#
        let read = decode("portrait.cdc.shop.orders", #"{"op":"r","after":\#(row),"ts_ms":1}"#)
        guard case .input(.event(let event)) = read else {
            Issue.record("expected an event, got \(read)")
            return
        }
        #expect(event.timestampMs == Self.jan1)
        #expect(decode("portrait.cdc.shop.orders", #"{"op":"u","before":\#(row),"after":\#(row),"ts_ms":1}"#) == .ignored)
        #expect(decode("portrait.cdc.shop.orders", #"{"op":"d","before":\#(row),"after":null,"ts_ms":1}"#) == .ignored)
    }

    @Test func eventTopicTakesEpochMillisecondsOrISOTimes() {
        let epoch = decode("portrait.events", #"{"user_id":7,"type":"view","ts":1767225600000,"item_id":"X","amount":9.5,"extra":{"a":1}}"#)
        let iso = decode("portrait.events", #"{"user_id":7,"type":"view","ts":"2026-01-01T00:00:00Z","item_id":"X","amount":9.5}"#)
        let expected = InputDecoder.Outcome.input(.event(ProfileEvent(userId: "7", timestampMs: Self.jan1, fields: [
            "user_id": .string("7"), "type": .string("view"), "ts": .timestamp(Self.jan1),
            "item_id": .string("X"), "amount": .number(9.5),
        ])))
        #expect(epoch == expected)
        #expect(iso == expected)
    }

    @Test func nullEventFieldsAreLeftOut() {
        let outcome = decode("portrait.events", #"{"user_id":"u1","type":"view","ts":0,"category":null}"#)
        #expect(outcome == .input(.event(ProfileEvent(userId: "u1", timestampMs: 0, fields: [
            "user_id": .string("u1"), "type": .string("view"), "ts": .timestamp(0),
        ]))))
    }

    /// An event is read member by member from its bytes, whatever the members' order in the
    /// text; what the byte parser does not take (a name twice, a `\u` escape) is read whole.
    @Test func eventsAreReadMemberByMember() throws {
        let events = "portrait.events"
        let outOfOrder = decode(events, #"{"ts":0,"user_id":"ü1","type":"view","item_id":"café","extra":[1,{"a":null}],"event_id":"e1"}"#)
        #expect(outOfOrder == .input(.event(ProfileEvent(userId: "ü1", timestampMs: 0, fields: [
            "event_id": .string("e1"), "item_id": .string("café"), "ts": .timestamp(0), "type": .string("view"), "user_id": .string("ü1"),
        ]))))
        let escaped = decode(events, #"{"user_id":"u","type":"view","ts":0,"item_id":"caf\u00e9","event_id":null}"#)
        #expect(escaped == .input(.event(ProfileEvent(userId: "u", timestampMs: 0, fields: [
            "item_id": .string("café"), "ts": .timestamp(0), "type": .string("view"), "user_id": .string("u"),
        ]))))
        guard case .input(.event(let twice)) = decode(events, #"{"user_id":"u","type":"view","ts":0,"type":"buy"}"#) else {
            Issue.record("a name twice is read whole, as before")
            return
        }
        #expect([Value.string("view"), .string("buy")].contains { $0 == twice.fields["type"] })
        // Two bad fields: the first refused is the first by name, not by place in the text.
        #expect(reason(decode(events, #"{"category":true,"amount":"lots","user_id":"u","type":"view","ts":0}"#))?.hasPrefix("field amount must be a number") == true)
        #expect(reason(decode(events, #"{"category":true,"user_id":"u","type":"view","ts":0}"#))?.hasPrefix("field category must be a string") == true)
    }

    @Test func deadLettersSayWhy() {
        let events = "portrait.events"
        #expect(reason(decode(events, "not json")) == "not a JSON object")
        #expect(reason(decode(events, "[1,2]")) == "not a JSON object")
        #expect(reason(decode(events, #"{"type":"view","ts":0}"#)) == "missing user_id")
        #expect(reason(decode(events, #"{"user_id":"","type":"view","ts":0}"#)) == "missing user_id")
        #expect(reason(decode(events, #"{"user_id":"u","type":"view"}"#))?.hasPrefix("ts must be epoch milliseconds or an ISO 8601 UTC time") == true)
        let yesterday = reason(decode(events, #"{"user_id":"u","type":"view","ts":"yesterday"}"#))
        #expect(yesterday?.hasPrefix("ts must be epoch milliseconds") == true)
        #expect(yesterday?.contains("\"yesterday\"") == true)
        let year2500 = reason(decode(events, #"{"user_id":"u","type":"view","ts":16725225600000}"#))
        #expect(year2500?.hasPrefix("ts must be epoch milliseconds") == true)
        #expect(year2500?.contains("16725225600000") == true)
        #expect(reason(decode(events, #"{"user_id":"u","type":"view","ts":-1}"#))?.hasPrefix("ts must be") == true)
        #expect(reason(decode(events, #"{"user_id":"u","ts":0}"#)) == "missing type")
        let lots = reason(decode(events, #"{"user_id":"u","type":"purchase","ts":0,"amount":"lots"}"#))
        #expect(lots?.hasPrefix("field amount must be a number") == true)
        #expect(lots?.contains("\"lots\"") == true)
        #expect(reason(decode(events, #"{"user_id":"u","type":"purchase","ts":0,"amount":true}"#))?.hasPrefix("field amount must be a number") == true)

        let nullUser = reason(decode("portrait.cdc.shop.orders", """
            {"op":"c","after":{"user_id":null,"total":"1","created_at":"2026-01-01"},"ts_ms":1}
            """))
        #expect(nullUser == "unmappable row of shop.orders: user id column user_id is missing or null")
        let badTime = reason(decode("portrait.cdc.shop.orders", #"{"op":"c","after":{"user_id":1,"created_at":"soon"},"ts_ms":1}"#))
        #expect(badTime?.hasPrefix("time column created_at of shop.orders is not a time") == true)
        let badTotal = reason(decode("portrait.cdc.shop.orders", #"{"op":"c","after":{"user_id":1,"total":"lots","created_at":"2026-01-01"},"ts_ms":1}"#))
        #expect(badTotal?.hasPrefix("column total of shop.orders is not a number for event field amount") == true)
        let badYear = reason(decode("portrait.cdc.shop.users", #"{"op":"c","after":{"id":1,"birth_year":"old"},"ts_ms":1}"#))
        #expect(badYear?.hasPrefix("column birth_year of shop.users is not a number") == true)
        #expect(reason(decode("portrait.cdc.shop.users", #"{"op":"x","after":{"id":1},"ts_ms":1}"#))?.hasPrefix("not a CDC envelope: op") == true)
        #expect(reason(decode("portrait.cdc.shop.users", #"{"op":"c","after":{"id":1}}"#)) == "not a CDC envelope: ts_ms missing")

        #expect(reason(decode("portrait.cdc.shop.carts", #"{"op":"c","after":{},"ts_ms":1}"#)) == "no mapping for topic portrait.cdc.shop.carts")
        #expect(reason(decoder.decode(topic: events, value: [])) == "empty message")
        #expect(reason(decoder.decode(topic: events, value: nil)) == "empty message")
    }

    @Test func explicitOpsAndCdcPrefixAreHonoured() throws {
        let yaml = """
            event_tables:
              shop.orders: {user_id: uid, type: refund, ops: [u, d]}
            event_topics: [clicks, views]
            """
        let mapping = try ProfileMapping(document: try Yams.load(yaml: yaml), file: "p.yaml")
        let decoder = InputDecoder(mapping: mapping, topicPrefix: "p", cdcTopicPrefix: "cdc", eventFieldTypes: DefinitionValidator.standardEventFields)
        #expect(decoder.topics == ["cdc.shop.orders", "p.clicks", "p.views"])
        #expect(decoder.decode(topic: "cdc.shop.orders", value: Array(#"{"op":"c","after":{"uid":"a"},"ts_ms":5}"#.utf8)) == .ignored)
        let deleted = decoder.decode(topic: "cdc.shop.orders", value: Array(#"{"op":"d","before":{"uid":"a"},"after":null,"ts_ms":5}"#.utf8))
        #expect(deleted == .input(.event(ProfileEvent(userId: "a", timestampMs: 5, fields: [
            "user_id": .string("a"), "type": .string("refund"), "ts": .timestamp(5),
        ]))), "without a time column the commit time is the event time")
    }
}
