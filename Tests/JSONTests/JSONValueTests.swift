import Foundation
import JSON
import Testing

/// What the API, the scheduler and learning rely on now that they share one ``JSONValue``.
@Suite struct JSONValueTests {
    /// A number reads back equal to what was written, whichever case built it: learning saves
    /// a double parameter of 0.5 and 1.0 and reads "1" back as an integer.
    @Test func numbersCompareByValue() {
        #expect(JSONValue.integer(3) == .number(3))
        #expect(JSONValue.number(3) == .integer(3))
        #expect(JSONValue.integer(3) != .number(3.5))
        #expect(JSONValue.integer(0) == .number(-0.0))
        // 2^53 + 1 has no double: the double 2^53 is another number.
        #expect(JSONValue.integer(9_007_199_254_740_993) != .number(9_007_199_254_740_992))
        #expect(JSONValue.integer(1) != .bool(true))
        #expect(JSONValue.string("1") != .integer(1))
        #expect(JSONValue.object(["k": .array([.number(2)])]) == .object(["k": .array([.integer(2)])]))
        #expect(JSONValue.object(["k": .integer(2)]) != .object(["j": .integer(2)]))
        #expect(JSONValue.number(.nan) != .number(.nan))
    }

    @Test func equalNumbersHashAlike() {
        #expect(Set<JSONValue>([.integer(7), .number(7), .number(7.25), .string("7")]).count == 3)
        #expect(JSONValue.object(["a": .number(1)]).hashValue == JSONValue.object(["a": .integer(1)]).hashValue)
    }

    /// Integers stay integers through a round trip; fractions stay doubles.
    @Test func parsesIntegersApartFromFractions() throws {
        let parsed = try JSONValue(parsing: #"{"i": 42, "d": 0.5, "big": 1e300, "s": "x", "n": null, "b": false, "a": [1, "2"]}"#)
        guard case .object(let fields) = parsed else { Issue.record("not an object: \(parsed)"); return }
        guard case .integer(42)? = fields["i"], case .number(0.5)? = fields["d"], case .number(1e300)? = fields["big"] else {
            Issue.record("numbers parsed as \(parsed)"); return
        }
        #expect(parsed["s"] == .string("x") && parsed["n"] == .null && parsed["b"] == .bool(false))
        #expect(parsed["a"] == .array([.integer(1), .string("2")]))
        #expect(parsed["missing"] == nil && JSONValue.string("x")["s"] == nil)
        #expect(throws: (any Error).self) { try JSONValue(parsing: "{\"a\": }") }
    }

    /// The scheduler stores `description` in MySQL: compact, keys sorted, and it parses back.
    @Test func descriptionIsCompactSortedJSON() throws {
        let value = JSONValue.object(["segments": .array([.string("b/c"), .string("a\"q")]), "limit": .integer(10), "rate": .number(0.25), "off": .null])
        #expect(value.description == #"{"limit":10,"off":null,"rate":0.25,"segments":["b/c","a\"q"]}"#)
        #expect(try JSONValue(parsing: value.description) == value)
        #expect("\(JSONValue.string("x"))" == "\"x\"")
    }

    /// What Yams gives for a job's params in config/jobs.yaml becomes JSON; what JSON cannot hold is refused.
    @Test func convertsYamlValues() throws {
        let parsed: [String: Any] = ["a": [1, 2.5, "s", true, NSNull()] as [Any]]
        #expect(JSONValue(any: parsed) == .object(["a": .array([.integer(1), .number(2.5), .string("s"), .bool(true), .null])]))
        #expect(JSONValue(any: Double.infinity) == nil)
        #expect(JSONValue(any: ["when": Date()]) == nil)
    }

    @Test func accessorsReadTheirKindOnly() {
        #expect(JSONValue.number(3.0).integer == 3 && JSONValue.number(3.5).integer == nil && JSONValue.string("3").integer == nil)
        #expect(JSONValue.array([.null]).array == [.null] && JSONValue.null.array == nil)
        #expect(JSONValue.object([:]).object == [:] && JSONValue.string("x").string == "x")
        #expect(JSONValue.integer(1).kindName == "a number" && JSONValue.object([:]).kindName == "an object")
    }
}
