import Hummingbird
@testable import PortraitAPI
import PortraitProcessor
import Redis
import Testing

/// The profile answers are written straight from the Redis reply (``StoredProfile``); they must
/// be byte for byte what the `JSONValue` document (``ProfileDocument/json(userId:fields:sections:)``)
/// wrote, for awkward hashes too.
@Suite struct StoredProfileTests {
    /// An HGETALL reply of `pairs`, as raw bytes (so invalid UTF-8 can be stored).
    static func reply(_ pairs: [([UInt8], [UInt8])]) -> RedisReply {
        .array(pairs.flatMap { [RedisReply.bulk($0.0), .bulk($0.1)] })
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func expectSameDocument(_ reply: RedisReply, userId: String = "u-1", sections: [ProfileDocument.Section] = ProfileDocument.Section.allCases) {
        var written: [UInt8] = []
        StoredProfile(hash: reply).write(userId: userId, sections: sections, to: &written)
        let expected = ProfileDocument.json(userId: userId, fields: ProfileHash.flatFields(reply.hashFields), sections: sections).bytes
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(written == expected)
    }

    @Test func writesWhatTheJSONValueDocumentWrote() {
        let pairs: [(String, String)] = [
            ("_id", "42"), ("_updated", "1700000000123"), ("a.city", "Lyon \"centre\" \\ \n"), ("a.age", "37"),
            ("a.score", "0.25"), ("a.big", "12345678901234567890"), ("a.neg", "-7"), ("a.plus", "+5"), ("a.nan", "nan"),
            ("a.inf", "inf"), ("a.exp", "1e3"), ("a.hex", "0x1p3"), ("a.dot", ".5"), ("a.empty", ""), ("a.", "bare"),
            ("m.clicks", "1500"), ("m.avg", "2.5"), ("m.Z", "1"), ("m.é", "2"), ("m.e", "3"),
            ("t.vip", "true"), ("t.churn", "false"), ("t.tier", "1"), ("t.level", "gold"), ("f.fence", "9"), ("x.other", "1"),
            ("a.\u{301}accent", "combining mark after the dot"), ("t.emoji😀", "true"), ("a.中", "中文"),
        ]
        let reply = Self.reply(pairs.map { (Self.bytes($0.0), Self.bytes($0.1)) })
        Self.expectSameDocument(reply)
        Self.expectSameDocument(reply, sections: [.tags])
        Self.expectSameDocument(reply, sections: [.metrics, .attributes])
    }

    /// `reply` as Redis sends it (RESP2).
    static func resp(_ reply: RedisReply) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        func write(_ reply: RedisReply) {
            switch reply {
            case .bulk(let bytes): buffer.writeString("$\(bytes.count)\r\n"); buffer.writeBytes(bytes); buffer.writeString("\r\n")
            case .status(let text): buffer.writeString("+\(text)\r\n")
            case .error(let text): buffer.writeString("-\(text)\r\n")
            case .integer(let value): buffer.writeString(":\(value)\r\n")
            case .null: buffer.writeString("$-1\r\n")
            case .array(let items): buffer.writeString("*\(items.count)\r\n"); items.forEach(write)
            }
        }
        write(reply)
        return buffer
    }

    /// The fast path reads `HGETALL`'s RESP bytes (``ASCIIProfileHash/init(resp:)``): the same
    /// document as from the decoded reply, and `nil` (the decoded way) for anything else.
    @Test func asciiHashesReadFromRESPBytesWriteTheSameDocument() throws {
        let pairs: [(String, String)] = [
            ("_id", "42"), ("_updated", "1700000000123"), ("a.city", "Lyon \"centre\" \\ \n\u{1}\r\n$3\r\n"), ("a.age", "37"),
            ("a.score", "0.25"), ("a.big", "12345678901234567890"), ("a.lead", "007"), ("a.empty", ""), ("a.", "bare"),
            ("m.clicks", "1500"), ("m.Z", "1"), ("m.a", "-1.5e-3"), ("t.vip", "true"), ("t.level", "gold"), ("x.other", "1"),
        ]
        for ordered in [pairs, pairs.reversed()] {
            let reply = Self.reply(ordered.map { (Self.bytes($0.0), Self.bytes($0.1)) })
            let ascii = try #require(ASCIIProfileHash(resp: Self.resp(reply)))
            for sections in [ProfileDocument.Section.allCases, [.tags], [.metrics, .attributes]] {
                var fromBytes: [UInt8] = [], fromReply: [UInt8] = []
                StoredProfile(ascii: ascii).write(userId: "u-1", sections: sections, to: &fromBytes)
                StoredProfile(hash: reply).write(userId: "u-1", sections: sections, to: &fromReply)
                #expect(String(decoding: fromBytes, as: UTF8.self) == String(decoding: fromReply, as: UTF8.self))
            }
        }
        #expect(ASCIIProfileHash(resp: Self.resp(.array([])))?.isEmpty == true)  // an unknown user
        for other: RedisReply in [
            Self.reply([(Self.bytes("a.city"), Self.bytes("Zürich"))]), .error("WRONGTYPE no"), .null, .status("OK"),
            .array([.bulk(Self.bytes("a.x")), .integer(1)]),
            // Sections that are not a JSON object of plain strings: the text path reads them.
            Self.reply([(Self.bytes("m"), Self.bytes("short"))]), Self.reply([(Self.bytes("a"), Self.bytes(#"{"q":"a\"b"}"#))]),
            Self.reply([(Self.bytes("t"), Self.bytes(#"{"x": "1"}"#))]), Self.reply([(Self.bytes("m"), Self.bytes("{\"x\":\"a\nb\"}"))]),
        ] {
            #expect(ASCIIProfileHash(resp: Self.resp(other)) == nil, "\(other)")
        }
    }

    /// All ASCII: written from the reply's bytes (``ASCIIProfileHash``), not through text.
    @Test func asciiHashesWrittenFromBytesMatchToo() {
        let pairs: [(String, String)] = [
            ("_id", "42"), ("_updated", "1700000000123"), ("a.city", "Lyon \"centre\" \\ \n\u{1}"), ("a.age", "37"),
            ("a.score", "0.25"), ("a.big", "12345678901234567890"), ("a.max", "9223372036854775807"), ("a.over", "9223372036854775808"),
            ("a.eighteen", "999999999999999999"), ("a.neg", "-7"), ("a.negzero", "-0"), ("a.zero", "0"), ("a.lead", "007"),
            ("a.zeros", "00"), ("a.plus", "+5"), ("a.minus", "-"), ("a.nan", "nan"), ("a.inf", "inf"), ("a.minf", "-inf"),
            ("a.exp", "1e3"), ("a.huge", "1e400"), ("a.hex", "0x1p3"), ("a.dot", ".5"), ("a.trail", "1."), ("a.space", " 5"),
            ("a.after", "5 "), ("a.empty", ""), ("a.", "bare"), ("a.quote\"d", "x"),
            ("m.clicks", "1500"), ("m.avg", "2.5"), ("m.Z", "1"), ("m.e", "3"), ("m.a", "-1.5e-3"),
            ("t.vip", "true"), ("t.churn", "false"), ("t.tier", "1"), ("t.level", "gold"), ("t.True", "True"),
            ("f.fence", "9"), ("x.other", "1"), ("m", "short"), ("t", ""),
        ]
        let reply = Self.reply(pairs.map { (Self.bytes($0.0), Self.bytes($0.1)) })
        Self.expectSameDocument(reply)
        Self.expectSameDocument(reply, sections: [.tags])
        Self.expectSameDocument(reply, sections: [.metrics, .attributes])
        // Reversed storage order: the names are sorted all the same.
        Self.expectSameDocument(Self.reply(pairs.reversed().map { (Self.bytes($0.0), Self.bytes($0.1)) }))
        // An ASCII hash with a non-bulk item goes the text way, like any other.
        Self.expectSameDocument(.array([.bulk(Self.bytes("a.x")), .status("1"), .bulk(Self.bytes("m.y")), .bulk(Self.bytes("2"))]))
    }

    /// The sectioned layout (``ProfileHash``) answers what the same values in flat fields did,
    /// from bytes and from text, and a section replaces the flat fields of its own section only.
    @Test func sectionedHashesWriteTheDocumentOfTheirFlatFields() throws {
        let flat: [(String, String)] = [
            ("_id", "42"), ("_updated", "1700000000123"), ("a.city", "Lyon"), ("a.lead", "007"), ("a.", "bare"),
            ("m.clicks", "1500"), ("m.avg", "2.5"), ("m.Z", "1"), ("t.vip", "true"), ("t.level", "gold"), ("model.churn.score", "0.5"),
        ]
        let sectioned: [(String, String)] = [
            ("_id", "42"), ("_updated", "1700000000123"), ("model.churn.score", "0.5"),
            ("a", #"{"":"bare","city":"Lyon","lead":"007"}"#), ("m", #"{"Z":"1","avg":"2.5","clicks":"1500"}"#),
            ("t", #"{"level":"gold","vip":"true"}"#),
        ]
        func document(_ pairs: [(String, String)], _ sections: [ProfileDocument.Section]) throws -> String {
            let reply = Self.reply(pairs.map { (Self.bytes($0.0), Self.bytes($0.1)) })
            var fromBytes: [UInt8] = [], fromReply: [UInt8] = []
            StoredProfile(ascii: try #require(ASCIIProfileHash(resp: Self.resp(reply)))).write(userId: "u-1", sections: sections, to: &fromBytes)
            StoredProfile(hash: reply).write(userId: "u-1", sections: sections, to: &fromReply)
            #expect(fromBytes == fromReply)
            Self.expectSameDocument(reply, sections: sections)
            return String(decoding: fromBytes, as: UTF8.self)
        }
        for sections in [ProfileDocument.Section.allCases, [.tags], [.metrics, .attributes]] {
            #expect(try document(sectioned, sections) == document(flat, sections))
            #expect(try document(sectioned.reversed(), sections) == document(flat, sections))
        }
        // Mid-migration: the `m` section wins over stale flat `m.` fields; flat `a.` fields stay.
        let mixed = [("m.clicks", "1"), ("m.old", "9"), ("m", #"{"clicks":"1500"}"#), ("a.city", "Lyon")]
        #expect(try document(mixed, [.attributes, .metrics]) == document([("m.clicks", "1500"), ("a.city", "Lyon")], [.attributes, .metrics]))
        #expect(ProfileHash.flatFields(["m.old": "9", "m": #"{"clicks":"1500"}"#, "a.city": "Lyon", "_id": "3"])
            == ["m.clicks": "1500", "a.city": "Lyon", "_id": "3"])
        // Escapes and non-ASCII go the text way, with the same answer as flat fields.
        let escaped = Self.reply([(Self.bytes("a"), Self.bytes(#"{"city":"Z\u00fcrich \"centre\"","中":"文"}"#))])
        #expect(ASCIIProfileHash(resp: Self.resp(escaped)) == nil)
        var written: [UInt8] = []
        StoredProfile(hash: escaped).write(userId: "u", sections: [.attributes], to: &written)
        #expect(String(decoding: written, as: UTF8.self) == #"{"attributes":{"city":"Zürich \"centre\"","中":"文"},"updated_at":null,"user_id":"u"}"#)
    }

    @Test func invalidUTF8AndDuplicatesAfterRepairMatchToo() {
        let reply = Self.reply([
            (Self.bytes("a.k") + [0xFF], Self.bytes("first")), (Self.bytes("a.k") + [0xFE], Self.bytes("second")),
            (Self.bytes("m.v"), [0xC3, 0x28]), (Self.bytes("_updated"), Self.bytes("not a number")),
        ])
        Self.expectSameDocument(reply)
    }

    @Test func anEmptyHashIsAnUnknownUser() {
        #expect(StoredProfile(hash: .array([])).isEmpty)
        #expect(StoredProfile(hash: .null).isEmpty)
        #expect(!StoredProfile(hash: Self.reply([(Self.bytes("_updated"), Self.bytes("1"))])).isEmpty)
        var written: [UInt8] = []
        StoredProfile(hash: .array([])).write(userId: "x", sections: [.tags], to: &written)
        #expect(String(decoding: written, as: UTF8.self) == #"{"tags":{},"updated_at":null,"user_id":"x"}"#)
    }
}
