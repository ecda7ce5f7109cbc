import Foundation
@testable import PortraitProcessor
import Testing

/// The fast flat-object parser must give what JSONSerialization gives, or step aside.
@Suite struct FlatJSONObjectTests {
    static func slow(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    static func same(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as String, let y as String): return x == y
        case (is NSNull, is NSNull): return true
        case (let x as NSNumber, let y as NSNumber):
            return JSONValueConversion.isBoolean(x) == JSONValueConversion.isBoolean(y) && x.doubleValue == y.doubleValue
                && JSONValueConversion.text(x) == JSONValueConversion.text(y)
        default: return false
        }
    }

    static func expectAgrees(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let fast = FlatJSONObject.parse(Array(text.utf8)) else { return }
        guard let slow = slow(text) else {
            Issue.record("the fast path accepted what JSONSerialization refuses: \(text)", sourceLocation: sourceLocation)
            return
        }
        #expect(Set(fast.keys) == Set(slow.keys), "\(text)", sourceLocation: sourceLocation)
        for (key, value) in slow where !(fast[key].map { same($0, value) } ?? false) {
            Issue.record("\(key) differs in \(text): fast \(fast[key] ?? "nothing") vs \(value)", sourceLocation: sourceLocation)
        }
    }

    @Test func typicalEventsTakeTheFastPathAndAgree() {
        let events = [
            #"{"user_id":"u42","type":"purchase","ts":1767225600000,"category":"books","amount":12.5}"#,
            #"{ "user_id" : 7 , "type":"view", "ts":"2026-01-01T00:00:00Z", "ok":true, "gone":null, "n":-0.5e-3 }"#,
            #"{"note":"say \"hi\"\n\ttab \/ back\\slash","emoji":"😀é","empty":"","zero":0,"neg":-12,"big":9007199254740993}"#,
            "{}",
        ]
        for text in events {
            #expect(FlatJSONObject.parse(Array(text.utf8)) != nil, "\(text)")
            Self.expectAgrees(text)
        }
    }

    @Test func whatItDoesNotHandleGoesToTheSlowPath() {
        for text in [
            #"{"a":{"b":1}}"#, #"{"a":[1,2]}"#, #"{"a":"\u00e9"}"#, #"{"a":1,"a":2}"#, #"{"a":123456789012345678901234}"#,
            #"{"a":1}x"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":.5}"#, #"{"a":tru}"#, #"{"a":"x"#, "[1]", "", #"{"a":"\q"}"#,
            "{\"a\":\"line\nbreak\"}", #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":-}"#,
        ] {
            #expect(FlatJSONObject.parse(Array(text.utf8)) == nil, "\(text)")
        }
        #expect(FlatJSONObject.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) == nil, "invalid UTF-8")
    }

    @Test func randomFlatObjectsAgreeWithJSONSerialization() {
        var random = SystemRandomNumberGenerator()
        let pieces = ["\"x\"", "\"\"", "\"a\\\"b\"", "\"\\\\\"", "\"é😀\"", "0", "-1", "3.25", "1e3", "-2.5E-2", "true", "false", "null", "1767225600000", "\"\\n\\t\\/\""]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...6, using: &random)
            let members = (0..<count).map { index in "\"k\(index)\":\(pieces.randomElement(using: &random)!)" }
            let text = "{" + members.joined(separator: Bool.random(using: &random) ? "," : " , ") + "}"
            #expect(FlatJSONObject.parse(Array(text.utf8)) != nil, "\(text)")
            Self.expectAgrees(text)
        }
    }
}
