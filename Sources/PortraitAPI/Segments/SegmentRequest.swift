import Foundation
import JSON
import PortraitCore
import PortraitMetadata
import PortraitSegments
import TagLang

/// Reads a segment expression from a request body and compiles it against the active tags.
struct SegmentRequest {
    let expression: String
    let plan: SegmentPlan
    let activeTags: [TagDefinition]

    init(_ body: [String: JSONValue], services: APIServices) async throws {
        guard let expression = body["expression"]?.string else { throw APIError.badRequest("expression must be a string", field: "expression") }
        try await self.init(expression: expression, services: services)
    }

    init(expression: String, services: APIServices) async throws {
        let tags = try await services.withMySQL { try DefinitionStore(connection: $0).list(TagDefinition.self, status: .active) }
        activeTags = tags.map(\.definition)
        let kinds = Dictionary(activeTags.map { ($0.name, $0.kind) }, uniquingKeysWith: { $1 })
        // Off the cooperative pool: a 32 KiB expression is bounded but not free.
        plan = try await ComputeWork.run { try Self.compile(expression, kinds: kinds) }
        self.expression = expression
    }

    /// The plan, or a 400 naming the position of the mistake.
    static func compile(_ expression: String, kinds: [String: TagDefinition.Kind]) throws -> SegmentPlan {
        do throws(TagLangError) { return try SegmentPlan(parsing: expression, kinds: kinds) } catch {
            // Stopped because the request timed out: its 503 is already on its way.
            if error.kind == .cancelled { throw CancellationError() }
            throw invalidExpression(error)
        }
    }

    /// The 400 for an expression that does not compile, naming the position of the mistake.
    static func invalidExpression(_ error: TagLangError) -> APIError {
        APIError(.badRequest, code: "invalid_expression", error.message, field: "expression",
                 line: error.location.line, column: error.location.column)
    }

    /// Milliseconds since `start`.
    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 { start.millisecondsUntilNow }

    /// An optional integer field within `range`, or `fallback`.
    static func integer(_ body: [String: JSONValue], _ name: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        guard let value = body[name], value != .null else { return fallback }
        guard let number = value.integer, range.contains(Int(clamping: number)) else {
            throw APIError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return Int(number)
    }
}
