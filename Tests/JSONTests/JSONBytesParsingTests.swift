import Foundation
import JSON
import Testing

/// The byte parser must give what Foundation's parser gives, or step aside (`nil`).
@Suite struct JSONBytesParsingTests {
    static func common(_ text: String) -> JSONValue? {
        Array(text.utf8).withUnsafeBufferPointer(JSONValue.parseCommon)
    }

    /// Foundation's reading of `text` (`JSONDecoder` through `JSONValue`'s `Codable`).
    static func foundation(_ text: String) -> JSONValue? { try? JSONValue(parsing: text) }

    static func expectAgrees(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let fast = common(text) else { return }
        guard let slow = foundation(text) else {
            Issue.record("the byte parser accepted what Foundation refuses: \(text)", sourceLocation: sourceLocation)
            return
        }
        #expect(fast == slow, "\(text)", sourceLocation: sourceLocation)
        #expect(fast.description == slow.description, "same text written back: \(text)", sourceLocation: sourceLocation)
    }

    @Test func typicalEventsAndEnvelopesTakeTheBytePathAndAgree() {
        let documents = [
            #"{"user_id":"u42","type":"purchase","ts":1767225600000,"category":"books","amount":12.5}"#,
            #"{ "user_id" : 7 , "type":"view", "ts":"2026-01-01T00:00:00Z", "ok":true, "gone":null, "n":-0.5e-3 }"#,
            #"{"note":"say \"hi\"\n\ttab \/ back\\slash","emoji":"😀é","empty":"","zero":0,"neg":-12,"big":9007199254740993}"#,
            #"{"op":"c","ts_ms":1767225600000,"before":null,"after":{"id":1,"total":"12.50","tags":["a","b"]},"source":{"db":"shop"}}"#,
            #"{"min":-9223372036854775808,"max":9223372036854775807}"#,
            "{}", "[]", #"[1,[2,[3]],{}]"#,
        ]
        for text in documents {
            #expect(Self.common(text) != nil, "\(text)")
            Self.expectAgrees(text)
        }
        #expect(Self.common(#"{"a":9007199254740993}"#) == .object(["a": .integer(9_007_199_254_740_993)]), "integers stay exact")
        #expect(Self.common(#"{"a":true,"b":1}"#) == .object(["a": .bool(true), "b": .integer(1)]), "a boolean is no number")
    }

    @Test func whatItDoesNotTakeGoesToFoundation() {
        for text in [
            #"{"a":"\u00e9"}"#, #"{"a":1,"a":2}"#, #"{"a":123456789012345678901234}"#, #"{"a":-9223372036854775809}"#,
            #"{"a":1}x"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":tru}"#, #"{"a":"x"#, "", #"{"a":"\q"}"#,
            "{\"a\":\"line\nbreak\"}", #"{"a":1,}"#, #"[1,]"#, #"{"a" 1}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":-}"#, #"{"a":1e999}"#,
            String(repeating: "[", count: 40) + String(repeating: "]", count: 40),
        ] {
            #expect(Self.common(text) == nil, "\(text)")
        }
        #expect([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D].withUnsafeBufferPointer(JSONValue.parseCommon) == nil, "invalid UTF-8")
    }

    @Test func foundationTakesTheRestAndTellsBooleansFromNumbers() {
        #expect(JSONValue(jsonBytes: Array(#"{"a":"\u00e9","b":true,"c":1,"d":2.5}"#.utf8))
            == .object(["a": .string("é"), "b": .bool(true), "c": .integer(1), "d": .number(2.5)]))
        #expect(JSONValue(jsonBytes: Array(#"{"a":}"#.utf8)) == nil, "not JSON")
        #expect(JSONValue(jsonBytes: Array("not json".utf8)) == nil)
    }

    @Test func randomDocumentsAgreeWithFoundation() {
        var random = SystemRandomNumberGenerator()
        let scalars = ["\"x\"", "\"\"", "\"a\\\"b\"", "\"\\\\\"", "\"é😀\"", "0", "-1", "3.25", "1e3", "-2.5E-2", "true", "false", "null", "1767225600000", "\"\\n\\t\\/\""]
        func document(depth: Int) -> String {
            if depth > 2 || Int.random(in: 0..<3, using: &random) == 0 { return scalars.randomElement(using: &random)! }
            let count = Int.random(in: 0...4, using: &random)
            if Bool.random(using: &random) {
                return "[" + (0..<count).map { _ in document(depth: depth + 1) }.joined(separator: " , ") + "]"
            }
            return "{" + (0..<count).map { "\"k\($0)\":" + document(depth: depth + 1) }.joined(separator: ",") + "}"
        }
        for _ in 0..<2_000 {
            let text = "{\"root\":" + document(depth: 0) + "}"
            #expect(Self.common(text) != nil, "\(text)")
            Self.expectAgrees(text)
        }
    }

    /// An object's members in name order, as the whole-document parse reads them; `nil` where
    /// that parse steps aside or the document is no object.
    @Test func sortedMembersAreTheObjectsMembersInNameOrder() {
        func members(_ text: String) -> [(name: String, value: JSONValue)]? {
            Array(text.utf8).withUnsafeBufferPointer(JSONValue.sortedMembers)
        }
        let text = #" {"ts":1,"user_id":"ü7","amount":-2.5,"extra":{"b":[1,null]},"a":"x\"y"} "#
        let sorted = members(text)
        #expect(sorted?.map(\.name) == ["a", "amount", "extra", "ts", "user_id"])
        #expect(sorted.map { JSONValue.object(Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0.value) })) } == Self.common(text))
        #expect(members("{}")?.isEmpty == true)
        #expect(members(#"{"a":1,"b":2,"a":3}"#) == nil, "a name twice: the whole-document path decides")
        #expect(members(#"[{"a":1}]"#) == nil)
        #expect(members(#""a""#) == nil)
        #expect(members(#"{"a":1} x"#) == nil)
        #expect(members(#"{"a":"\u00e9"}"#) == nil, "what the byte parser does not take")
    }
}
