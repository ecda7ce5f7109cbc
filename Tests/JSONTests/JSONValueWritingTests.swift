import Foundation
import JSON
import Testing

@Suite struct JSONValueWritingTests {
    /// What Foundation's encoder wrote before (compact, sorted keys, slashes unescaped).
    func foundationText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func writesWhatFoundationsEncoderWrote() throws {
        let awkward = "quote \" backslash \\ slash / newline \n tab \t return \r bell \u{07} nul \u{00} unit \u{1F} é 😀 中"
        let value = JSONValue.object([
            "user_id": .string("u-1"), "b": .bool(true), "f": .bool(false), "n": .null, "i": .integer(-9_223_372_036_854_775_808),
            "max": .integer(9_223_372_036_854_775_807), "text": .string(awkward), "": .string(""),
            "Zeta": .integer(1), "alpha": .array([.integer(1), .string("x"), .array([]), .object([:]), .null]),
            "ü-key": .object(["b": .integer(2), "a": .integer(1), "B": .integer(3), "é": .integer(4), "e": .integer(5)]),
            "whole": .number(42), "neg": .number(-3), "zero": .number(0),
        ])
        #expect(String(decoding: value.bytes, as: UTF8.self) == (try foundationText(value)))
    }

    /// Numbers read back as the same value; JSON has no NaN or infinity, so they are 0 as before.
    @Test func numbersReadBackExactly() throws {
        let numbers: [Double] = [0.1, -2.5, 1e-7, 123456.789, 1e21, -1e300, .pi, 5e-324, 9_007_199_254_740_993, 0.30000000000000004]
        for number in numbers {
            // Swift's own parser: Foundation's JSONSerialization rounds some doubles on Linux.
            let text = String(decoding: JSONValue.number(number).bytes, as: UTF8.self)
            #expect(Double(text) == number, "\(number) → \(text)")
            #expect(try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) is [NSNumber], "valid JSON: \(text)")
        }
        #expect(String(decoding: JSONValue.array([.number(.nan), .number(.infinity), .number(42)]).bytes, as: UTF8.self) == "[0,0,42]")
    }
}
