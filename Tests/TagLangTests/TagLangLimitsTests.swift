import Testing
@testable import TagLang

private let schema = TagLangSchema(
    attributes: ["city": .string, "age": .number],
    metrics: ["spend_30d": .number],
    tags: ["vip": .bool],
    models: [])

/// The limits of docs/TAGLANG.md are checked before any recursion: hostile texts that used to
/// exhaust the stack (4,000 brackets, a 20,000-term `or`) are refused with a position.
@Suite struct TagLangLimitsTests {
    private func refusal(_ source: String) -> TagLangError? {
        do {
            _ = try CompiledExpression(source, schema: schema)
            return nil
        } catch {
            return error
        }
    }

    @Test func deepBracketsAreRefusedAtTheLevelPastTheLimit() throws {
        let depth = 4_000
        let error = try #require(refusal(String(repeating: "(", count: depth) + "true" + String(repeating: ")", count: depth)))
        #expect(error.kind == .syntax)
        #expect(error.message.contains("\(TagLangLimits.maxDepth) levels"))
        // The whole text is level 1 and each bracket's contents one more, so the contents of
        // the maxDepth-th bracket are the level past the limit.
        #expect(error.location.offset == TagLangLimits.maxDepth)
        #expect(error.location.column == TagLangLimits.maxDepth + 1)
    }

    @Test func theDocumentedDepthItselfCompilesEvaluatesAndExplains() throws {
        let levels = TagLangLimits.maxDepth - 1
        let source = String(repeating: "(", count: levels) + "attr.age > 1" + String(repeating: ")", count: levels)
        let compiled = try CompiledExpression(source, schema: schema)
        let context = DictionaryContext([.attribute("age"): .number(2)])
        #expect(compiled.holds(context))
        #expect(compiled.explain(context).value == .bool(true))
    }

    @Test(arguments: ["true or ", "true and ", "1 + ", "2 * "])
    func longChainsCountOneLevelPerOperator(link: String) throws {
        let terms = 1_000
        let source = String(repeating: link, count: terms) + "1 > 0"
        let error = try #require(refusal(source))
        #expect(error.message.contains("levels"))
        // A chain within the limit still compiles.
        let short = String(repeating: link, count: TagLangLimits.maxDepth / 2) + "1 > 0"
        #expect(refusal(short) == nil || refusal(short)?.kind == .type)
    }

    @Test(arguments: ["not ", "- "])
    func repeatedPrefixOperatorsAreBounded(prefix: String) throws {
        let error = try #require(refusal(String(repeating: prefix, count: 5_000) + "true"))
        #expect(error.message.contains("levels"))
    }

    @Test func aTextOverTheLengthLimitIsRefusedWhereItCrossesIt() throws {
        let source = String(repeating: "true or ", count: 20_000) + "true"
        let error = try #require(refusal(source))
        #expect(error.message.contains("limit is \(TagLangLimits.maxSourceBytes) bytes"))
        #expect(error.location.line == 1)
        #expect(error.location.offset == TagLangLimits.maxSourceBytes)
    }

    @Test func listsAndArgumentsAreBounded() throws {
        let items = (0...TagLangLimits.maxListItems).map(String.init).joined(separator: ",")
        let error = try #require(refusal("attr.age in [\(items)]"))
        #expect(error.message.contains("more than \(TagLangLimits.maxListItems) list items"))
        let allowed = (1..<TagLangLimits.maxListItems).map(String.init).joined(separator: ",")
        let compiled = try CompiledExpression("attr.age in [\(allowed)]", schema: schema)
        #expect(compiled.holds(DictionaryContext([.attribute("age"): .number(4_000)])))
    }

    @Test func longNumberLiteralsAreRefused() throws {
        let error = try #require(refusal("attr.age > " + String(repeating: "9", count: 5_000)))
        #expect(error.message.contains("number literal"))
        #expect(error.location.column == 12)
    }

    @Test func columnsStayRightFarAlongOneLongLine() throws {
        // The column of an error at the end of a long line is counted in scalars, é is one.
        let items = Array(repeating: "'é'", count: 3_000).joined(separator: ", ")
        let source = "attr.city in [\(items)] @"
        let error = try #require(refusal(source))
        #expect(error.message.contains("unexpected character '@'"))
        #expect(error.location.column == source.unicodeScalars.count)
    }

    /// A seeded fuzz over token soup and generated nesting: whatever the text, the answer is a
    /// compiled expression or a TagLangError, never a crash.
    @Test func randomTextsCompileOrFailCleanly() throws {
        var generator = SplitMix(seed: 0x5EED)
        let pieces = ["(", ")", "[", "]", ",", "not ", "-", " and ", " or ", " in ", "+", "*", "==", "attr.age", "attr.city",
                      "tag.vip", "metric.spend_30d", "1", "2.5", "'x'", "7d", "true", "null", "case when ", " then ", " else ", " end",
                      "max(", "now()", "#c\n", "é", "\"q"]
        for _ in 0..<400 {
            var text = ""
            let length = Int(generator.next() % 3_000)
            for _ in 0..<length { text += pieces[Int(generator.next() % UInt64(pieces.count))] }
            if let compiled = try? CompiledExpression(text, schema: schema) {
                _ = compiled.explain(DictionaryContext())
            }
        }
    }
}

/// The fuzz tests' seeded generator: the property test's SplitMix64, so a failure replays.
typealias SplitMix = CompiledVersusInterpretedTests.Generator

extension CompiledVersusInterpretedTests.Generator {
    init(seed: UInt64) { self.init(state: seed) }
}
