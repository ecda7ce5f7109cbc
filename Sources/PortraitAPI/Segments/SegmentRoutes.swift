import Foundation
import Hummingbird
import PortraitCore
import PortraitMetadata
import TagLang

/// `POST /v1/segments:count` `{"expression": "tag.buyer and not tag.vip"}` → `{"count","took_ms"}`.
enum SegmentRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.post("/v1/segments:count", role: .reader) { request, _ in
            let body = try await RequestBody.object(request, allowed: ["expression"], required: ["expression"])
            guard let expression = body["expression"]?.string else { throw APIError.badRequest("expression must be a string", field: "expression") }
            let start = ContinuousClock.now
            let tags = try await services.withMySQL { try DefinitionStore(connection: $0).list(TagDefinition.self, status: .active) }
            let kinds = Dictionary(tags.map { ($0.definition.name, $0.definition.kind) }, uniquingKeysWith: { $1 })
            let plan: SegmentPlan
            do throws(TagLangError) { plan = try SegmentPlan(parsing: expression, kinds: kinds) } catch {
                throw APIError(.badRequest, code: "invalid_expression", error.message, field: "expression",
                               line: error.location.line, column: error.location.column)
            }
            let token = UUID().uuidString
            let count = try await services.withRedis { try SegmentCounter(connection: $0, token: token).count(plan) }
            let took = start.duration(to: .now)
            let tookMs = took.components.seconds * 1_000 + took.components.attoseconds / 1_000_000_000_000_000
            return JSONValue.object(["count": .integer(count), "took_ms": .integer(tookMs)]).response()
        }
    }
}
