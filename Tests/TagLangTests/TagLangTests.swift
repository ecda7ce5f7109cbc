import Testing
@testable import TagLang

private let schema = TagLangSchema(
    attributes: ["city": .string, "age": .number, "vip": .bool, "signup_at": .timestamp],
    metrics: ["purchases_7d": .number, "spend_30d": .number, "last_purchase_at": .timestamp],
    tags: ["high_value": .bool, "city_tier": .string],
    models: ["churn"])

private let day: Int64 = 86_400_000
private let now: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z

private func context(_ values: [Reference: Value]) -> DictionaryContext {
    DictionaryContext(values, nowMs: now)
}

@Suite struct ParserTests {
    @Test func precedenceBindsComparisonsTighterThanLogic() throws {
        let compiled = try CompiledExpression("attr.age > 17 and attr.city == 'Paris' or not attr.vip", schema: schema)
        #expect(compiled.holds(context([.attribute("age"): .number(18), .attribute("city"): .string("Paris"), .attribute("vip"): .bool(true)])))
        #expect(!compiled.holds(context([.attribute("age"): .number(18), .attribute("city"): .string("Rome"), .attribute("vip"): .bool(true)])))
        #expect(compiled.holds(context([.attribute("vip"): .bool(false)])))
    }

    @Test func arithmeticPrecedenceAndUnaryMinus() throws {
        let compiled = try CompiledExpression("metric.spend_30d - 2 * 3 + -1", schema: schema)
        #expect(compiled.evaluate(context([.metric("spend_30d"): .number(10)])) == .number(3))
    }

    @Test(arguments: [
        ("attr.city == ", 1, 14, "expected a value"),
        ("attr.age > 1\n  and (metric.purchases_7d > 2", 2, 31, "expected ')'"),
        ("attr.city in ['a', 'b'", 1, 23, "expected ']'"),
        ("attr.city == 'Paris", 1, 14, "unterminated string"),
        ("city == 'x'", 1, 1, "unknown name 'city'"),
        ("attr.age > 3 3", 1, 14, "expected an operator or the end"),
        ("case when attr.vip 'x' end", 1, 20, "expected 'then'"),
        ("attr.age > 7dx", 1, 12, "expected a number or a duration"),
        ("attr.age @ 3", 1, 10, "unexpected character '@'"),
    ])
    func syntaxErrorsGiveLineColumnAndWhatWasExpected(source: String, line: Int, column: Int, message: String) {
        #expect { try CompiledExpression(source, schema: schema) } throws: { error in
            guard let error = error as? TagLangError else { return false }
            return error.kind == .syntax && error.location.line == line && error.location.column == column
                && error.message.contains(message)
        }
    }

    @Test func commentsAndNewlinesAreAllowed() throws {
        let compiled = try CompiledExpression("""
            # heavy buyers in big cities
            metric.purchases_7d >= 3   # at least three
              and attr.city in ["Paris", "Lyon"]
            """, schema: schema)
        #expect(compiled.holds(context([.metric("purchases_7d"): .number(3), .attribute("city"): .string("Lyon")])))
    }
}

@Suite struct TypeCheckerTests {
    @Test(arguments: [
        ("attr.town == 'x'", "unknown attr.town; known: age, city, signup_at, vip"),
        ("metric.purchases_7d == 'many'", "'==' does not apply to a number and a string"),
        ("attr.city > 3", "'>' does not apply"),
        ("not attr.age", "'not' needs a boolean"),
        ("attr.age in [1, 'two']", "list item is a string"),
        ("case when attr.vip then 'a' else 3 end", "'else' is a number"),
        ("days_since(attr.city) > 3", "argument 1 of days_since() must be a timestamp"),
        ("frobnicate(attr.age)", "unknown function frobnicate()"),
        ("model.propensity.score > 0.5", "unknown model.propensity.score"),
    ])
    func typeErrorsAreReportedWithTheirPlace(source: String, message: String) {
        #expect { try CompiledExpression(source, schema: schema) } throws: { error in
            guard let error = error as? TagLangError else { return false }
            return error.kind == .type && error.message.contains(message) && error.location.line == 1
        }
    }

    @Test func typesOfWellFormedExpressions() throws {
        #expect(try CompiledExpression("metric.purchases_7d > 0", schema: schema).type == .bool)
        #expect(try CompiledExpression("case when metric.spend_30d > 100 then 'gold' when metric.spend_30d > 10 then 'silver' else 'bronze' end", schema: schema).type == .string)
        #expect(try CompiledExpression("now() - metric.last_purchase_at", schema: schema).type == .duration)
        #expect(try CompiledExpression("model.churn.score", schema: schema).type == .number)
    }
}

@Suite struct EvaluationTests {
    @Test func enumeratedTagPicksTheFirstMatchingBranch() throws {
        let tier = try CompiledExpression(
            "case when metric.spend_30d >= 1000 then 'gold' when metric.spend_30d >= 100 then 'silver' else 'bronze' end", schema: schema)
        #expect(tier.evaluate(context([.metric("spend_30d"): .number(5000)])) == .string("gold"))
        #expect(tier.evaluate(context([.metric("spend_30d"): .number(100)])) == .string("silver"))
        #expect(tier.evaluate(context([:])) == .string("bronze"))
    }

    @Test func timeAloneCanFlipATag() throws {
        let lapsed = try CompiledExpression("days_since(metric.last_purchase_at) > 30", schema: schema)
        #expect(lapsed.dependsOnTime)
        let values: [Reference: Value] = [.metric("last_purchase_at"): .timestamp(now - 10 * day)]
        #expect(!lapsed.holds(DictionaryContext(values, nowMs: now)))
        #expect(lapsed.holds(DictionaryContext(values, nowMs: now + 21 * day)))
        let recent = try CompiledExpression("now() - metric.last_purchase_at < 7d", schema: schema)
        #expect(recent.holds(DictionaryContext(values, nowMs: now - 4 * day)))
        #expect(!recent.holds(DictionaryContext(values, nowMs: now)))
    }

    @Test func nullsNeverMakeATagTrue() throws {
        let compiled = try CompiledExpression("metric.purchases_7d > 2 or attr.age < 30", schema: schema)
        #expect(!compiled.holds(context([:])))
        #expect(try CompiledExpression("is_null(attr.city)", schema: schema).holds(context([:])))
        #expect(try CompiledExpression("attr.city == null", schema: schema).holds(context([:])))
        #expect(try CompiledExpression("coalesce(metric.spend_30d, 0) + 1", schema: schema).evaluate(context([:])) == .number(1))
        #expect(try CompiledExpression("metric.spend_30d / 0", schema: schema).evaluate(context([.metric("spend_30d"): .number(1)])) == .null)
    }

    @Test func membershipAndNegatedMembership() throws {
        let inList = try CompiledExpression("tag.city_tier in ['1', '2']", schema: schema)
        let notInList = try CompiledExpression("tag.city_tier not in ['1', '2']", schema: schema)
        #expect(inList.holds(context([.tag("city_tier"): .string("2")])))
        #expect(!notInList.holds(context([.tag("city_tier"): .string("2")])))
        #expect(notInList.holds(context([.tag("city_tier"): .string("3")])))
        let dynamic = try CompiledExpression("attr.age in [metric.purchases_7d, 40]", schema: schema)
        #expect(dynamic.holds(context([.attribute("age"): .number(3), .metric("purchases_7d"): .number(3)])))
    }

    @Test func referencesAreCollected() throws {
        let compiled = try CompiledExpression("tag.high_value and not (model.churn.score > 0.7) and attr.city != 'x'", schema: schema)
        #expect(compiled.references == [.tag("high_value"), .model(name: "churn", output: "score"), .attribute("city")])
        #expect(!compiled.dependsOnTime)
    }
}

@Suite struct ExplainTests {
    @Test func explainShowsWhichPartsDecidedTheResult() throws {
        let compiled = try CompiledExpression("metric.purchases_7d >= 3 and attr.city in ['Paris', 'Lyon']", schema: schema)
        let profile = context([.metric("purchases_7d"): .number(5), .attribute("city"): .string("Rome")])
        let explanation = compiled.explain(profile)
        #expect(explanation.value == .bool(false))
        #expect(explanation.value == compiled.evaluate(profile))
        #expect(explanation.children.map(\.text) == ["metric.purchases_7d >= 3", "attr.city in ['Paris', 'Lyon']"])
        #expect(explanation.children.map(\.value) == [.bool(true), .bool(false)])
        #expect(explanation.children[1].children.first?.value == .string("Rome"))
        #expect(explanation.rendered().contains("attr.city → \"Rome\""))
    }

    @Test func explainSkipsTheSideAShortCircuitNeverRan() throws {
        let compiled = try CompiledExpression("attr.vip or metric.spend_30d > 10", schema: schema)
        let explanation = compiled.explain(context([.attribute("vip"): .bool(true)]))
        #expect(explanation.value == .bool(true))
        #expect(explanation.children.count == 1)
    }
}
