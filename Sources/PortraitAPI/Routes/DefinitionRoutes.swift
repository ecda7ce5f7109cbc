import Foundation
import Hummingbird
import JSON
import PortraitScheduler
import PortraitCore
import PortraitMetadata

/// What the definition routes need to know about a kind beyond its store mapping.
protocol APIDefinitionKind: StorableDefinition & Equatable {
    /// The path segment and list key: `metrics`, `tags`.
    static var plural: String { get }
    /// The JSON fields a body may carry.
    static var fields: Set<String> { get }
}

extension MetricDefinition: APIDefinitionKind {
    static let plural = "metrics"
    static let fields: Set<String> = ["name", "filter", "aggregation", "field", "window", "description", "owner", "status"]
}

extension TagDefinition: APIDefinitionKind {
    static let plural = "tags"
    static let fields: Set<String> = ["name", "category", "kind", "expression", "description", "owner", "status"]
}

/// `/v1/metrics` and `/v1/tags`: list, create, show, change, retire, history. Changes go
/// through the same validator and store as the CLI, then are published to `<prefix>.control`.
enum DefinitionRoutes {
    static func register<D: APIDefinitionKind>(_ kind: D.Type, _ routes: APIRoutes) {
        let services = routes.services
        let base = "/v1/\(D.plural)"
        routes.get(RouterPath(base), role: .reader) { request, _ in
            let status = try request.uri.queryParameters.get("status").map { text in
                guard let status = DefinitionStatus(rawValue: text) else {
                    throw APIError.badRequest("status must be draft, active or retired, got '\(text)'", field: "status")
                }
                return status
            }
            let stored = try await services.withMySQL { try DefinitionStore(connection: $0).list(D.self, status: status) }
            return JSONValue.object([D.plural: .array(try stored.map(json))]).response()
        }
        routes.post(RouterPath(base), role: .admin) { request, context in
            let definition = try decode(D.self, try await RequestBody.json(request), name: nil)
            let author = context.author
            let stored = try await services.withMySQL { connection in
                let store = DefinitionStore(connection: connection)
                try definition.validate(using: try services.validator(connection), store: store)
                return try store.create(definition, author: author)
            }
            return try await changed(stored, services: services, status: .created, backfill: definition.metricNeedingBackfill(replacing: nil))
        }
        routes.get(RouterPath("\(base)/{name}"), role: .reader) { _, context in
            let name = try context.parameter("name")
            let stored = try await services.withMySQL { try DefinitionStore(connection: $0).existing(D.self, named: name) }
            return try json(stored).response()
        }
        routes.put(RouterPath("\(base)/{name}"), role: .admin) { request, context in
            let name = try context.parameter("name")
            let body = try await RequestBody.json(request)
            let author = context.author
            let note = request.uri.queryParameters.get("note")
            let (stored, previous, didChange) = try await services.withMySQL { connection in
                let store = DefinitionStore(connection: connection)
                let current = try store.existing(D.self, named: name)
                // Fields given replace the current ones; the others stay (as `portrait … update`).
                let definition = try decode(D.self, body, name: name, base: try JSONValue(encoding: current.definition))
                try definition.validate(using: try services.validator(connection), store: store)
                guard definition != current.definition else { return (current, current.definition, false) }
                return (try store.update(definition, author: author, note: note), current.definition, true)
            }
            guard didChange else { return try json(stored).response() }
            return try await changed(stored, services: services, status: .ok, backfill: stored.definition.metricNeedingBackfill(replacing: previous))
        }
        routes.delete(RouterPath("\(base)/{name}"), role: .admin) { _, context in
            let name = try context.parameter("name")
            let author = context.author
            let stored = try await services.withMySQL {
                try DefinitionStore(connection: $0).setStatus(D.self, named: name, to: .retired, author: author)
            }
            return try await changed(stored, services: services, status: .ok)
        }
        routes.get(RouterPath("\(base)/{name}/history"), role: .reader) { _, context in
            let name = try context.parameter("name")
            let versions = try await services.withMySQL { try DefinitionStore(connection: $0).history(D.self, named: name) }
            return JSONValue.object(["versions": .array(try versions.map(json))]).response()
        }
    }

    /// Publishes the change when a real cluster is configured, queues a backfill for a metric
    /// that needs its past (docs/RECOMPUTE.md), and answers with the stored version, whether it
    /// is on the control topic (`null`: publishing is off) and the backfill run (`null`: none).
    private static func changed<D: APIDefinitionKind>(
        _ stored: StoredDefinition<D>, services: APIServices, status: HTTPResponse.Status, backfill metric: String? = nil
    ) async throws -> Response {
        var published = JSONValue.null
        if let publisher = services.publisher {
            do {
                _ = try await publisher.publishPending()
                published = .bool(true)
            } catch {
                // Saved all the same: the version stays pending and the next publish sends it.
                services.logger.warning("definition saved but not published", metadata: ["error": "\(error)"])
                published = .bool(false)
            }
        }
        var backfill = JSONValue.null
        if let metric {
            let requests = BackfillRequests(store: JobStore(pool: services.mysql))
            if let run = try await BlockingWork.run({ try requests.request(metrics: [metric]) }) {
                backfill = .object(["job": .string(run.jobName), "run_id": .integer(Int64(run.id))])
            }
        }
        guard case .object(var object) = try json(stored) else { return try json(stored).response(status: status) }
        object["published"] = published
        object["backfill"] = backfill
        return JSONValue.object(object).response(status: status)
    }

    /// A body as a definition: only the kind's fields, types as the definition declares them.
    /// On PUT the name comes from the path (a different one in the body is refused).
    static func decode<D: APIDefinitionKind>(_ type: D.Type, _ body: JSONValue, name: String?, base: JSONValue = .object([:])) throws -> D {
        var fields = try RequestBody.checkedObject(body, allowed: D.fields, path: nil)
        fields.merge(base.object ?? [:]) { given, _ in given }
        if let name {
            if let given = fields["name"], given != .string(name) {
                throw APIError.badRequest("the body's name must match the path (\(name)) or be left out", field: "name")
            }
            fields["name"] = .string(name)
        }
        do {
            return try JSONDecoder().decode(D.self, from: Data(JSONValue.object(fields).bytes))
        } catch let error as DefinitionError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.badRequest("missing field '\(key.stringValue)'", field: key.stringValue)
        } catch let DecodingError.typeMismatch(expected, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.badRequest("\(field) must be \(expected == String.self ? "a string" : "\(expected)")", field: field)
        } catch let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.badRequest("\(field) must not be null", field: field)
        } catch let DecodingError.dataCorrupted(context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw APIError.badRequest("invalid \(field): \(context.debugDescription)", field: field)
        }
    }

    /// `{"name","version","status","author","note","created_at","definition":{…}}`.
    static func json<D: APIDefinitionKind>(_ stored: StoredDefinition<D>) throws -> JSONValue {
        let definition = try JSONValue(encoding: stored.definition)
        return .object([
            "name": .string(stored.definition.name), "version": .integer(Int64(stored.version)),
            "status": .string(stored.definition.status.rawValue), "author": .string(stored.author),
            "note": stored.note.map(JSONValue.string) ?? .null, "created_at": .string(stored.createdAt), "definition": definition,
        ])
    }
}
