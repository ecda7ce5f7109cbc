import Testing
@testable import TagLang

private let schema = TagLangSchema(
    attributes: ["city": .string, "age": .number],
    metrics: ["spend_30d": .number],
    tags: ["vip": .bool, "tier": .string],
    models: [])

/// Issue 17, "Must show": a seeded fuzz of TagLang at its documented limits through the parser,
/// checker, compiler, evaluation and explain (segment plans: APITests), and a check that the
/// work grows linearly with the input — counted with `TagLangWorkCounter`, never timed.
@Suite struct TagLangFuzzTests {
    /// Texts built to sit at or just past each limit, plus random structure in between.
    static func generated(_ generator: inout SplitMix) -> String {
        func pick(_ n: Int) -> Int { Int(generator.next() % UInt64(n)) }
        let leaves = ["attr.age > 3", "tag.vip", "metric.spend_30d >= 10", "attr.city == 'x'", "true", "null", "tag.tier in ['a', 'b']"]
        switch pick(6) {
        case 0:  // nesting right at, or one past, the depth limit
            let levels = TagLangLimits.maxDepth - 2 + pick(4)
            return String(repeating: "(", count: levels) + leaves[pick(leaves.count)] + String(repeating: ")", count: levels)
        case 1:  // a chain of operators around the depth limit
            let terms = TagLangLimits.maxDepth - 3 + pick(6)
            let link = [" or ", " and "][pick(2)]
            return (0..<terms).map { _ in leaves[pick(4)] }.joined(separator: link)
        case 2:  // a list at, or one past, the item limit
            let items = TagLangLimits.maxListItems - 1 + pick(3)
            return "attr.city in [" + Array(repeating: "'c'", count: items).joined(separator: ",") + "]"
        case 3:  // a text around the length limit
            let target = TagLangLimits.maxSourceBytes - 20 + pick(40)
            var text = "attr.city == '"
            text += String(repeating: "é", count: max(0, (target - text.utf8.count - 1) / 2)) + "'"
            return text
        case 4:  // random nesting of mixed constructs
            var text = ""
            var open = 0
            for _ in 0..<pick(2_000) {
                switch pick(7) {
                case 0: text += "("; open += 1
                case 1 where open > 0: text += ")"; open -= 1
                case 2: text += "not "
                case 3: text += leaves[pick(leaves.count)]
                case 4: text += [" and ", " or ", " + ", " * "][pick(4)]
                case 5: text += "[" + (0..<pick(50)).map { String($0) }.joined(separator: ",") + "]"
                default: text += ["max(", "min(", "days_since(", "coalesce("][pick(4)]
                }
            }
            return text + String(repeating: ")", count: open)
        default:  // number literals around their length limit
            return "attr.age > " + String(repeating: "9", count: TagLangLimits.maxNumberLength - 1 + pick(3))
        }
    }

    @Test func generatedTextsAtTheLimitsNeverCrashAndExplainStaysBounded() throws {
        var generator = SplitMix(seed: 0x17_F022)
        let context = DictionaryContext([.attribute("age"): .number(5), .attribute("city"): .string("c"), .tag("vip"): .bool(true)])
        var compiledCount = 0, refusedCount = 0
        for _ in 0..<300 {
            let text = Self.generated(&generator)
            let compiled: CompiledExpression
            do {
                compiled = try CompiledExpression(text, schema: schema)
            } catch {
                refusedCount += 1
                #expect(error.location.offset <= text.utf8.count, "a refusal points inside the text")
                continue
            }
            compiledCount += 1
            let explanation = compiled.explain(context)
            #expect(explanation.value == compiled.evaluate(context), "explain agrees with evaluate")
            #expect(Self.depth(of: explanation) <= TagLangLimits.maxDepth + 1, "explain output is bounded by the depth limit")
        }
        #expect(compiledCount > 50 && refusedCount > 50, "the fuzz reaches both sides of the limits (\(compiledCount) compiled, \(refusedCount) refused)")
    }

    static func depth(of explanation: Explanation) -> Int {
        1 + (explanation.children.map(depth(of:)).max() ?? 0)
    }

    /// Steps to parse, compile and explain `text` (refusals count too).
    static func work(_ text: String) -> Int {
        let counter = TagLangWorkCounter()
        TagLangWorkCounter.$current.withValue(counter) {
            if let compiled = try? CompiledExpression(text, schema: schema) { _ = compiled.explain(DictionaryContext()) }
        }
        return counter.steps
    }

    /// Shapes whose size grows with `n` while staying inside the limits (depth bounded).
    /// Shapes whose size grows with `n` while staying inside every limit (flat, so the depth
    /// limit never cuts them short; at most 8 bytes a unit, so 4,000 units fit in 32 KiB).
    static let families: [(name: String, make: @Sendable (Int) -> String)] = [
        ("list items", { n in "attr.city in [" + Array(repeating: "'a'", count: n).joined(separator: ",") + "]" }),
        ("call arguments in brackets", { n in "max(" + Array(repeating: "(1)", count: n).joined(separator: ",") + ") > 0" }),
        ("many lines with comments", { n in "attr.age in [" + Array(repeating: "1,#c\n", count: n).joined() + "2]" }),
        ("a long string", { n in "attr.city == '" + String(repeating: "é", count: n * 4) + "'" }),
        ("nested lists", { n in "max(" + Array(repeating: "[[1]]", count: n).joined(separator: ",") + ")" }),
    ]

    @Test(arguments: 0..<5)
    func workGrowsLinearlyWithTheInput(family index: Int) {
        let (name, make) = Self.families[index]
        // 1,000 → 4,000 units: linear work grows ×4, quadratic ×16.
        let small = Self.work(make(1_000))
        let large = Self.work(make(4_000))
        #expect(small > 1_000, "\(name): the counter saw the work")
        #expect(Double(large) <= 4.6 * Double(small), "\(name): \(small) steps at 1,000, \(large) at 4,000")
    }

    @Test func theCounterWouldSeeQuadraticColumnCounting() {
        // Columns used to be counted from the line start for every token: on one long line that
        // is n²/2 bytes. The lexer's count includes the bytes it scans for columns, so such a
        // regression multiplies the ratio above by ~4; here the count stays near the byte count.
        let text = (0..<4_000).map { _ in "1" }.joined(separator: " + ")
        var lexer = Lexer(text)
        let counter = TagLangWorkCounter()
        TagLangWorkCounter.$current.withValue(counter) { _ = try? lexer.tokenize() }
        #expect(counter.steps < 3 * text.utf8.count, "\(counter.steps) steps for \(text.utf8.count) bytes")
    }
}
