import Foundation
import Hummingbird
import JSON
import PortraitCore
import PortraitSegments
import TagLang

/// Saved segments: `GET/POST /v1/segments`, `GET/PUT/DELETE /v1/segments/{name}` and
/// `POST /v1/segments/{name}/sizes` (measure now; the scheduled `segment_sizes` job does the
/// same). Every change is a new version; expressions are checked against the active tags.
enum SavedSegmentRoutes {
    /// Sizes returned with a segment.
    static let sizeHistory = 200

    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/segments", role: .reader) { _, _ in
            let listed = try await services.withMySQL { try Self.list(store: SavedSegmentStore(connection: $0)) }
            return JSONValue.object(["segments": listed]).response()
        }
        routes.post("/v1/segments", role: .admin) { request, context in
            let body = try await RequestBody.object(request, allowed: ["name", "expression", "description"], required: ["name", "expression"])
            guard let name = body["name"]?.string else { throw APIError.badRequest("name must be a string", field: "name") }
            guard SavedSegmentStore.isValidName(name) else { throw APIError.badRequest("name: \(Identifier.problem(with: name))", field: "name") }
            let segment = try await SegmentRequest(body, services: services)
            let description = try optionalText(body, "description")
            let author = context.author
            guard let created = try await services.withMySQL({
                try SavedSegmentStore(connection: $0).create(name: name, expression: segment.expression, description: description, author: author)
            }) else {
                throw APIError(.conflict, code: "already_exists", "a segment named \(name) exists; PUT /v1/segments/\(name) stores a new version")
            }
            return json(created, latest: nil).response(status: .created)
        }
        routes.get("/v1/segments/{name}", role: .reader) { _, context in
            let name = try context.parameter("name")
            let found = try await services.withMySQL { try document(name, store: SavedSegmentStore(connection: $0)) }
            guard let found else { throw APIError.notFound("no segment named \(name)") }
            return found.response()
        }
        routes.put("/v1/segments/{name}", role: .admin) { request, context in
            let name = try context.parameter("name")
            let body = try await RequestBody.object(request, allowed: ["expression", "description", "change_note"], required: ["expression"])
            let segment = try await SegmentRequest(body, services: services)
            let (description, note, author) = (try optionalText(body, "description"), try optionalText(body, "change_note"), context.author)
            guard let updated = try await services.withMySQL({
                try SavedSegmentStore(connection: $0).update(name: name, expression: segment.expression, description: description, changeNote: note, author: author)
            }) else { throw APIError.notFound("no segment named \(name)") }
            return json(updated, latest: nil).response()
        }
        routes.delete("/v1/segments/{name}", role: .admin) { _, context in
            let name = try context.parameter("name")
            guard try await services.withMySQL({ try SavedSegmentStore(connection: $0).retire(name) }) else {
                throw APIError.notFound("no segment named \(name)")
            }
            return Response(status: .noContent)
        }
        routes.post("/v1/segments/{name}/sizes", role: .admin) { _, context in
            let name = try context.parameter("name")
            let redis = services.blockingRedis
            // The same measurement the scheduler's segment_sizes job records (blocking, on
            // BlockingWork's threads, as the job runs it).
            guard let measured = try await services.withMySQL({ mysql in
                try redis.withConnection { profiles in
                    do { return try SavedSegmentSizer(mysql: mysql, redis: profiles).measure(name) } catch let error as TagLangError {
                        throw SegmentRequest.invalidExpression(error)
                    }
                }
            }) else { throw APIError.notFound("no segment named \(name)") }
            return JSONValue.object([
                "measured_at": .string(measured.measuredAt), "version": .integer(Int64(measured.version)), "size": .integer(measured.size),
                "population": .integer(measured.population), "took_ms": .integer(measured.tookMs),
            ]).response(status: .created)
        }
    }

    /// A segment with its versions and newest sizes, as `GET /v1/segments/{name}` answers; `nil` when there is none.
    static func document(_ name: String, store: SavedSegmentStore) throws -> JSONValue? {
        guard let segment = try store.get(name) else { return nil }
        let sizes = try store.sizes(name, limit: sizeHistory)
        guard case .object(var object) = json(segment, latest: sizes.last) else { return nil }
        object["versions"] = .array(try store.versions(name).map {
            .object(["version": .integer(Int64($0.version)), "expression": .string($0.expression), "author": .string($0.author),
                     "change_note": $0.changeNote.map(JSONValue.string) ?? .null, "created_at": .string($0.createdAt)])
        })
        object["sizes"] = .array(sizes.map(json))
        return .object(object)
    }

    /// Saved segments with their latest size, as `GET /v1/segments` answers.
    static func list(store: SavedSegmentStore) throws -> JSONValue {
        .array(try store.list().map { segment in json(segment, latest: try store.sizes(segment.name, limit: 1).last) })
    }

    private static func optionalText(_ body: [String: JSONValue], _ name: String) throws -> String? {
        guard let value = body[name], value != .null else { return nil }
        guard let text = value.string, text.count <= 1_000 else { throw APIError.badRequest("\(name) must be a string of at most 1000 characters", field: name) }
        return text
    }

    static func json(_ segment: SavedSegmentStore.Segment, latest: SavedSegmentStore.Size?) -> JSONValue {
        .object([
            "name": .string(segment.name), "version": .integer(Int64(segment.version)), "expression": .string(segment.expression),
            "description": segment.description.map(JSONValue.string) ?? .null, "status": .string(segment.status),
            "created_at": .string(segment.createdAt), "updated_at": .string(segment.updatedAt),
            "latest_size": latest.map(json) ?? .null,
        ])
    }

    private static func json(_ size: SavedSegmentStore.Size) -> JSONValue {
        .object([
            "measured_at": .string(size.measuredAt), "version": .integer(Int64(size.version)), "size": .integer(size.size),
            "population": size.population.map(JSONValue.integer) ?? .null, "took_ms": size.tookMs.map(JSONValue.integer) ?? .null,
        ])
    }
}
