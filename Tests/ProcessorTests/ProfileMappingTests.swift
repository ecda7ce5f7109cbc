import JSON
import PortraitCore
@testable import PortraitProcessor
import TagLang
import Testing
import Yams

@Suite struct ProfileMappingTests {
    func parse(_ yaml: String) throws -> ProfileMapping {
        try ProfileMapping(document: try Yams.load(yaml: yaml), file: "p.yaml")
    }

    /// The error reading `yaml` gives, or `nil` when it reads.
    func error(_ yaml: String) throws -> ProfileMappingError? {
        let document = try Yams.load(yaml: yaml)
        do {
            _ = try ProfileMapping(document: document, file: "p.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func sampleFileReads() throws {
        let mapping = try sampleMapping()
        #expect(mapping.profileTables == [ProfileMapping.ProfileTable(table: "shop.users", userIdColumn: "id", attributes: [
            .init(name: "birth_year", column: "birth_year", type: .number),
            .init(name: "city", column: "city", type: .string),
            .init(name: "gender", column: "gender", type: .string),
            .init(name: "member_level", column: "member_level", type: .string),
            .init(name: "registered_at", column: "created_at", type: .timestamp),
        ])])
        #expect(mapping.eventTables == [ProfileMapping.EventTable(
            table: "shop.orders", userIdColumn: "user_id", eventType: "purchase", timeColumn: "created_at",
            operations: ["c", "r"], fields: ["amount": "total", "category": "category", "item_id": "sku"])])
        #expect(mapping.eventTopics == ["events"])
    }

    @Test func theShippedConfigReads() throws {
        // config/profiles.yaml itself, when the tests run from the package root.
        let path = #filePath.replacingOccurrences(of: "Tests/ProcessorTests/ProfileMappingTests.swift", with: "config/profiles.yaml")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let mapping = try parse(text)
        #expect(mapping == (try sampleMapping()))
    }

    @Test func defaultsAndEmptyDocument() throws {
        let empty = try ProfileMapping(document: nil, file: "p.yaml")
        #expect(empty.profileTables.isEmpty && empty.eventTables.isEmpty && empty.eventTopics == ["events"])
        let mapping = try parse("""
            profile_tables:
              crm.members:
                user_id: member_id
                attributes: {vip: boolean}
            """)
        #expect(mapping.eventTopics == ["events"])
        #expect(mapping.profileTables.first?.attributes == [.init(name: "vip", column: "vip", type: .bool)])
    }

    @Test func mistakesNameTheKey() throws {
        let unknownTop = try error("profile_table: {}\n")
        #expect(unknownTop?.key == "profile_table")
        #expect(unknownTop?.problem.hasPrefix("unknown key") == true)
        #expect(unknownTop?.description.hasPrefix("p.yaml: profile_table: unknown key") == true)

        let noDot = try error("""
            profile_tables:
              users: {user_id: id, attributes: {city: string}}
            """)
        #expect(noDot?.key == "profile_tables.users")
        #expect(noDot?.problem.contains("DB.TABLE") == true)
        #expect(try error("event_tables:\n  a.b.c: {user_id: id, type: t}\n")?.key == "event_tables.a.b.c")

        let badType = try error("""
            profile_tables:
              shop.users: {user_id: id, attributes: {city: text}}
            """)
        #expect(badType?.key == "profile_tables.shop.users.attributes.city")
        #expect(badType?.problem.hasPrefix("type must be one of") == true)
        let badSpecType = try error("""
            profile_tables:
              shop.users: {user_id: id, attributes: {joined: {column: created_at, type: date}}}
            """)
        #expect(badSpecType?.key == "profile_tables.shop.users.attributes.joined")
        let badSpecKey = try error("""
            profile_tables:
              shop.users: {user_id: id, attributes: {joined: {col: created_at, type: timestamp}}}
            """)
        #expect(badSpecKey?.key == "profile_tables.shop.users.attributes.joined.col")
        #expect(try error("profile_tables:\n  shop.users: {user_id: id, attributes: {City: string}}\n")?.key
            == "profile_tables.shop.users.attributes.City")
        #expect(try error("profile_tables:\n  shop.users: {user_id: id}\n")?.key == "profile_tables.shop.users.attributes")
        #expect(try error("profile_tables:\n  shop.users: {attributes: {city: string}}\n")?.key == "profile_tables.shop.users.user_id")

        let badOps = try error("""
            event_tables:
              shop.orders: {user_id: user_id, type: purchase, ops: [c, x]}
            """)
        #expect(badOps?.key == "event_tables.shop.orders.ops")
        #expect(badOps?.problem == "must be a list of c, u, d, r")
        #expect(try error("event_tables:\n  shop.orders: {user_id: u, type: p, ops: []}\n")?.key == "event_tables.shop.orders.ops")

        let unknownInEvent = try error("""
            event_tables:
              shop.orders: {user_id: user_id, type: purchase, when: created_at}
            """)
        #expect(unknownInEvent?.key == "event_tables.shop.orders.when")
        #expect(unknownInEvent?.problem.hasPrefix("unknown key; expected one of fields, ops, time, type, user_id") == true)
        #expect(try error("event_tables:\n  shop.orders: {user_id: u}\n")?.key == "event_tables.shop.orders.type")
        #expect(try error("event_tables:\n  shop.orders: {user_id: u, type: p, fields: {amount: 5}}\n")?.key
            == "event_tables.shop.orders.fields.amount")
        #expect(try error("event_topics: events\n")?.key == "event_topics")
        #expect(try error("event_topics: [\"a b\"]\n")?.key == "event_topics")
        #expect(try error("- a\n")?.key == "(root)")
    }

    @Test func explicitOpsReplaceTheDefault() throws {
        let mapping = try parse("event_tables:\n  shop.orders: {user_id: u, type: refund, ops: [u, d]}\nevent_topics: [clicks]\n")
        #expect(mapping.eventTables.first?.operations == ["u", "d"])
        #expect(mapping.eventTables.first?.timeColumn == nil)
        #expect(mapping.eventTopics == ["clicks"])
    }

    @Test func attributeTypesMergeTables() throws {
        let mapping = try parse("""
            profile_tables:
              shop.users:
                user_id: id
                attributes: {city: string, birth_year: number}
              crm.members:
                user_id: member_id
                attributes: {vip: boolean, joined_at: {column: created, type: timestamp}}
            """)
        #expect(mapping.attributeTypes == ["city": .string, "birth_year": .number, "vip": .bool, "joined_at": .timestamp])
    }
}

@Suite struct TimestampTextTests {
    static let jan1: Int64 = 1_767_225_600_000

    @Test func readsTheFormatsPortraitMeets() {
        #expect(TimestampText.epochMilliseconds("2026-01-01") == Self.jan1)
        #expect(TimestampText.epochMilliseconds("1970-01-01") == 0)
        #expect(TimestampText.epochMilliseconds("2026-01-01 00:00:01.5") == Self.jan1 + 1_500)
        #expect(TimestampText.epochMilliseconds("2026-01-01 00:00:00.123456") == Self.jan1 + 123)
        #expect(TimestampText.epochMilliseconds("2026-01-01T12:30:00Z") == Self.jan1 + 45_000_000)
        #expect(TimestampText.epochMilliseconds("2026-01-01T00:00:00+00:00") == Self.jan1)
        #expect(TimestampText.epochMilliseconds("2024-03-01") == 1_709_251_200_000, "after a leap day")
    }

    @Test func refusesOffsetsAndGarbage() {
        #expect(TimestampText.epochMilliseconds("2026-01-01T00:00:00+02:00") == nil)
        #expect(TimestampText.epochMilliseconds("2026-01-01 00:00:00-05:00") == nil)
        #expect(TimestampText.epochMilliseconds("yesterday") == nil)
        #expect(TimestampText.epochMilliseconds("") == nil)
        #expect(TimestampText.epochMilliseconds("2026-13-01") == nil)
        #expect(TimestampText.epochMilliseconds("2026-01-01 25:00:00") == nil)
        #expect(TimestampText.epochMilliseconds("2026-01-01T00:00") == nil)
        #expect(TimestampText.epochMilliseconds("2026/01/01") == nil)
    }
}

@Suite struct ProfileWriteTests {
    @Test func writesOnlyWhatChangedAndMovesBitmapBits() {
        var old = ProfileState(userId: "42")
        old.denseId = 8_388_610
        old.attributes = ["city": .string("Paris"), "gender": .string("f")]
        old.tags = ["buyer": .bool(true), "tier": .string("gold")]
        var new = old
        new.attributes = ["gender": .string("f")]  // city removed
        new.metricValues = ["orders_30d": .number(3)]
        new.tags = ["buyer": .bool(false), "tier": .string("silver")]
        new.fences = ["portrait.events/0": 17]
        new.nextTimerMs = 99

        let write = ProfileWrite(old: WrittenValues(old), new: new, partition: 3)
        #expect(write.userId == "42")
        #expect(write.partition == 3)
        #expect(write.denseId == 8_388_610)
        #expect(write.timerMs == 99)
        #expect(write.state == ProfileStateCodec.encode(new, keys: .empty))
        #expect(Self.fields(write) == [#"a={"gender":"f"}"#, #"m={"orders_30d":"3"}"#, #"t={"buyer":"false","tier":"silver"}"#])
        #expect(write.deletes.isEmpty)
        #expect(write.bits.map { "\($0.key)@\($0.offset)=\($0.bit)" } == [
            "bm:buyer:1@2=0",
            "bm:tier=gold:1@2=0",
            "bm:tier=silver:1@2=1",
        ])
    }

    @Test func aNewUserSetsEverythingAndOnlyTrueOrValuedTagBits() {
        var new = ProfileState(userId: "u")
        new.denseId = 5
        new.tags = ["buyer": .bool(true), "churned": .bool(false), "tier": .string("gold"), "score": .null]
        let write = ProfileWrite(old: nil, new: new, partition: 0)
        #expect(Self.fields(write) == [#"t={"buyer":"true","churned":"false","tier":"gold"}"#])
        #expect(write.deletes.isEmpty)
        #expect(write.bits.map { "\($0.key)@\($0.offset)=\($0.bit)" } == ["bm:buyer:0@5=1", "bm:tier=gold:0@5=1"])
    }

    @Test func aSectionLeftEmptyIsDeletedAndModelOutputsStayFlat() {
        var old = ProfileState(userId: "u")
        old.denseId = 1
        old.attributes = ["city": .string("Lyon")]
        old.modelOutputs = ["model.churn.score": .number(0.25), "model.churn.version": .number(2)]
        var new = old
        new.attributes = ["city": .null]
        new.modelOutputs = ["model.churn.score": .number(0.5)]
        let write = ProfileWrite(old: WrittenValues(old), new: new, partition: 0)
        #expect(write.sections.isEmpty)
        #expect(write.modelFields.map { "\($0.field)=\($0.value)" } == ["model.churn.score=0.5"])
        #expect(write.deletes.sorted() == ["a", "model.churn.version"])
    }

    @Test func aHashInTheFlatLayoutGetsEverySectionAndLosesItsFlatFields() {
        var old = ProfileState(userId: "u")
        old.denseId = 1
        old.attributes = ["city": .string("Lyon"), "gone": .null]
        old.metricValues = ["orders": .number(2)]
        old.tags = ["buyer": .bool(true)]
        var new = old
        new.metricValues = ["orders": .number(3)]
        let write = ProfileWrite(old: WrittenValues(old), new: new, partition: 0, storedHashIsFlat: true)
        #expect(Self.fields(write) == [#"a={"city":"Lyon"}"#, #"m={"orders":"3"}"#, #"t={"buyer":"true"}"#])
        #expect(write.deletes.sorted() == ["a.city", "m.orders", "t.buyer"])
        // A user new to Redis has no flat fields to replace.
        let first = ProfileWrite(old: nil, new: new, partition: 0, storedHashIsFlat: true)
        #expect(first.deletes.isEmpty)
    }

    @Test func unchangedStateWritesNoFieldsOrBits() {
        var state = ProfileState(userId: "u")
        state.denseId = 1
        state.attributes = ["city": .string("Lyon")]
        state.tags = ["buyer": .bool(true)]
        let write = ProfileWrite(old: WrittenValues(state), new: state, partition: 0)
        #expect(write.sections.isEmpty && write.modelFields.isEmpty)
        #expect(write.deletes.isEmpty)
        #expect(write.bits.isEmpty)
    }

    /// A section holds each value's stored text, written as bytes where it can: the same text
    /// as `storedText`, as a JSON string.
    @Test func aSectionHoldsTheStoredTextOfEachValue() throws {
        let values: [Value] = [
            .bool(true), .bool(false), .number(0), .number(-0.0), .number(42), .number(-7), .number(2.5), .number(1e15), .number(999_999_999_999_999),
            .number(-1e300), .number(.infinity), .timestamp(1_700_000_000_123), .duration(-5), .string("Lyon \"centre\" \\ \n"),
            .string(""), .string("中文"), .list([.number(1), .string("a")]), .null,
        ]
        var table = NamedValues()
        for (index, value) in values.enumerated() { _ = table.appendInOrder((index < 10 ? "v0\(index)" : "v\(index)"), value) }
        var json: [UInt8] = []
        ProfileHash.writeSection(table, to: &json)
        let entries = try #require(ProfileHash.sectionEntries(String(decoding: json, as: UTF8.self)))
        #expect(entries.count == values.count - 1)
        for (index, value) in values.enumerated() {
            #expect(entries[(index < 10 ? "v0\(index)" : "v\(index)")] == value.storedText, "\(value)")
        }
    }

    /// The ordered reader a load uses agrees with the JSON parser on what the writer wrote,
    /// with escapes (its fallback) and without (its own scan), keeps the written order, and
    /// refuses what is not an object of strings.
    @Test func orderedSectionEntriesReadWhatTheWriterWrote() throws {
        for values: [Value] in [
            [.bool(true), .number(2.5), .timestamp(1_700_000_000_123), .string("中文 Lyon"), .string("")],
            [.string("Lyon \"centre\" \\ \n"), .number(-7)],
            [],
        ] {
            var table = NamedValues()
            for (index, value) in values.enumerated() { _ = table.appendInOrder("v\(index)", value) }
            var json: [UInt8] = []
            ProfileHash.writeSection(table, to: &json)
            let ordered = try #require(ProfileHash.orderedEntries(json), "\(String(decoding: json, as: UTF8.self))")
            #expect(ordered.map(\.name) == table.names)
            #expect(ordered.map(\.text) == values.map { $0.storedText ?? "" })
        }
        #expect(ProfileHash.orderedEntries(Array(#" { "b" : "2" , "a":"1" } "#.utf8))?.map(\.name) == ["b", "a"])
        for broken in [#"{"a":1}"#, #"{"a":"1""#, #"{"a":"1",}"#, #"["a"]"#, #"{"a":"1"} x"#, "{\"a\":\"\u{01}\"}", ""] {
            #expect(ProfileHash.orderedEntries(Array(broken.utf8)) == nil, "\(broken)")
        }
    }

    /// The sections a write sets, as `field=JSON`, in section order.
    static func fields(_ write: ProfileWrite) -> [String] {
        write.sections.map { section in
            var json: [UInt8] = []
            ProfileHash.writeSection(section.values, to: &json)
            return section.section.field + "=" + String(decoding: json, as: UTF8.self)
        }
    }
}

@Suite struct StrictInputValuesTests {
    @Test func notANumberAndImpossibleDatesAreRefused() {
        #expect(JSONValueConversion.value(.string("nan"), as: .number) == nil)
        #expect(JSONValueConversion.value(.string("inf"), as: .number) == nil)
        #expect(JSONValueConversion.value(.string("0x1p3"), as: .number) == nil)
        #expect(JSONValueConversion.value(.string("-12.50"), as: .number) == .number(-12.5))
        #expect(TimestampText.epochMilliseconds("2026-02-31") == nil)
        #expect(TimestampText.epochMilliseconds("2024-02-29") != nil)
        #expect(!ProfileMapping.isTopicSuffix("événements"))
    }
}
