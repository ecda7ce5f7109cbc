import Testing
@testable import TagLang

/// Property test: for random well-typed expressions and random profiles, the compiled closures
/// give the same value as the tree-walking interpreter behind `explain`.
@Suite struct CompiledVersusInterpretedTests {
    /// SplitMix64: a small deterministic generator, so a failure replays exactly.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let schema = TagLangSchema(
        attributes: ["city": .string, "age": .number, "vip": .bool],
        metrics: ["orders": .number, "spend": .number, "last_at": .timestamp])

    static func number(_ g: inout Generator, depth: Int) -> String {
        guard depth > 0, g.below(3) > 0 else {
            return g.pick(["attr.age", "metric.orders", "metric.spend", "\(g.below(50))", "2.5", "days_since(metric.last_at)"])
        }
        switch g.below(4) {
        case 0: return "(\(number(&g, depth: depth - 1)) \(g.pick(["+", "-", "*", "/", "%"])) \(number(&g, depth: depth - 1)))"
        case 1: return "-\(number(&g, depth: depth - 1))"
        case 2: return "coalesce(\(number(&g, depth: depth - 1)), \(g.below(9)))"
        default: return "case when \(boolean(&g, depth: depth - 1)) then \(number(&g, depth: depth - 1)) else \(number(&g, depth: depth - 1)) end"
        }
    }

    static func boolean(_ g: inout Generator, depth: Int) -> String {
        guard depth > 0, g.below(3) > 0 else {
            return g.pick(["attr.vip", "true", "false", "attr.city == 'Paris'", "is_null(attr.age)", "attr.city in ['Lyon', 'Rome']"])
        }
        switch g.below(4) {
        case 0: return "(\(boolean(&g, depth: depth - 1)) \(g.pick(["and", "or"])) \(boolean(&g, depth: depth - 1)))"
        case 1: return "not \(boolean(&g, depth: depth - 1))"
        case 2: return "\(number(&g, depth: depth - 1)) \(g.pick(["<", "<=", ">", ">=", "==", "!="])) \(number(&g, depth: depth - 1))"
        default: return "\(number(&g, depth: depth - 1)) in [1, 2, \(number(&g, depth: depth - 1))]"
        }
    }

    static func profile(_ g: inout Generator) -> DictionaryContext {
        var values: [Reference: Value] = [:]
        func maybe(_ reference: Reference, _ value: Value) { if g.below(5) > 0 { values[reference] = value } }  // some missing → null
        maybe(.attribute("city"), .string(g.pick(["Paris", "Lyon", "Rome"])))
        maybe(.attribute("age"), .number(Double(g.below(90))))
        maybe(.attribute("vip"), .bool(g.below(2) == 0))
        maybe(.metric("orders"), .number(Double(g.below(6))))
        maybe(.metric("spend"), .number(Double(g.below(10_000)) / 100))
        maybe(.metric("last_at"), .timestamp(1_767_225_600_000 - Int64(g.below(90)) * 86_400_000))
        return DictionaryContext(values, nowMs: 1_767_225_600_000)
    }

    @Test func compiledEvaluationEqualsTheInterpreter() throws {
        var g = Generator(state: 20261123)
        var checked = 0
        for _ in 0..<400 {
            let source = Self.boolean(&g, depth: 4)
            let compiled = try CompiledExpression(source, schema: Self.schema)
            for _ in 0..<10 {
                let context = Self.profile(&g)
                let compiledValue = compiled.evaluate(context)
                let interpreted = compiled.explain(context).value
                #expect(compiledValue == interpreted, "\(source) with \(context.values)")
                checked += 1
            }
        }
        #expect(checked == 4_000)
    }

    /// The slotted form (references resolved to positions of a frame) gives the same values as
    /// the context form, for every layout order.
    @Test func slottedEvaluationEqualsTheContextForm() throws {
        var g = Generator(state: 20261207)
        let references: [Reference] = [
            .attribute("city"), .attribute("age"), .attribute("vip"), .metric("orders"), .metric("spend"), .metric("last_at"),
        ]
        for _ in 0..<300 {
            let source = Self.boolean(&g, depth: 4)
            let compiled = try CompiledExpression(source, schema: Self.schema)
            var layout = references  // shuffled (Fisher–Yates with the replayable generator)
            for index in layout.indices.reversed() { layout.swapAt(index, g.below(index + 1)) }
            let slotted = compiled.slotted { reference in layout.firstIndex(of: reference) ?? layout.count }
            for _ in 0..<10 {
                let context = Self.profile(&g)
                let frame = SlotFrame(count: layout.count + 1, nowMs: context.nowMs)
                for (slot, reference) in layout.enumerated() { frame.values[slot] = context.value(of: reference) }
                #expect(slotted.evaluate(frame) == compiled.evaluate(context), "\(source) with \(context.values)")
            }
        }
    }
}
