import Testing
@testable import TagLang

/// Every pass that can take long (lexer, parser, checker, compiler) stops with a `cancelled`
/// error once the current `TagLangCancellation` is cancelled, and nothing changes without one.
@Suite struct TagLangCancellationTests {
    static let schema = TagLangSchema(attributes: ["city": .string])
    /// 5,000 list items: the longest list, thousands of tokens and nodes.
    static let text = "attr.city in [" + Array(repeating: "'a'", count: TagLangLimits.maxListItems).joined(separator: ",") + "]"

    /// Steps counted while running `body` with `token` (nil: no token).
    static func steps(with token: TagLangCancellation?, _ body: () throws -> Void) -> (steps: Int, error: (any Error)?) {
        let counter = TagLangWorkCounter()
        var failure: (any Error)?
        TagLangWorkCounter.$current.withValue(counter) {
            TagLangCancellation.$current.withValue(token) {
                do { try body() } catch { failure = error }
            }
        }
        return (counter.steps, failure)
    }

    @Test func aCancelledTokenStopsTheLexerAndParser() {
        let token = TagLangCancellation()
        token.cancel()
        let full = Self.steps(with: nil) { _ = try Parser.parse(Self.text) }
        let stopped = Self.steps(with: token) { _ = try Parser.parse(Self.text) }
        #expect(full.error == nil)
        #expect((stopped.error as? TagLangError)?.kind == .cancelled)
        #expect(stopped.steps < full.steps / 10, "\(stopped.steps) of \(full.steps) steps")
    }

    @Test func aCancelledTokenStopsTheCheckerOfAParsedExpression() throws {
        let expression = try Parser.parse(Self.text)
        let token = TagLangCancellation()
        token.cancel()
        let stopped = Self.steps(with: token) { _ = try TypeChecker(schema: Self.schema).check(expression) }
        #expect((stopped.error as? TagLangError)?.kind == .cancelled)
        #expect(try TypeChecker(schema: Self.schema).check(expression) == .bool)
    }

    @Test func aCancelledTokenStopsACompile() {
        let token = TagLangCancellation()
        token.cancel()
        let stopped = Self.steps(with: token) { _ = try CompiledExpression(Self.text, schema: Self.schema) }
        let error = stopped.error as? TagLangError
        #expect(error?.kind == .cancelled)
        #expect(error?.message.contains("cancelled") == true)
    }

    @Test func anUncancelledTokenChangesNothing() throws {
        let token = TagLangCancellation()
        let with = Self.steps(with: token) { _ = try CompiledExpression(Self.text, schema: Self.schema) }
        let without = Self.steps(with: nil) { _ = try CompiledExpression(Self.text, schema: Self.schema) }
        #expect(with.error == nil && without.error == nil)
        #expect(with.steps == without.steps)
    }
}
