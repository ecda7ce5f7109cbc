import Hummingbird
import JSON
import PortraitCore
import PortraitMetadata
import PortraitProcessor

/// `GET /v1/profiles/{userId}`, `GET /v1/profiles/{userId}/tags`, `POST /v1/profiles:batchGet`.
enum ProfileRoutes {
    /// Most users one batchGet may ask for.
    static let batchLimit = 1_000

    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/profiles/{userId}", role: .reader) { request, context in
            let userId = try context.parameter("userId")
            let sections = try ProfileDocument.sections(request.uri.queryParameters.get("fields"))
            let explain = request.uri.queryParameters.get("explain")
            if explain == nil {
                let profile = try await ProfileReads(redis: services.redis).stored(userId)
                return JSONBytesResponse.ok(try document(profile, userId: userId, sections: sections).get())
            }
            let fields = try await ProfileReads(redis: services.redis).profile(userId)
            guard !fields.isEmpty else { throw APIError.notFound("no profile for user \(userId)") }
            var document = ProfileDocument.json(userId: userId, fields: fields, sections: sections)
            if let explain, case .object(var object) = document {
                object["explanation"] = try await explanation(tag: explain, userId: userId, services: services)
                document = .object(object)
            }
            return document.response()
        }
        routes.get("/v1/profiles/{userId}/tags", role: .reader) { _, context in
            let userId = try context.parameter("userId")
            let profile = try await ProfileReads(redis: services.redis).stored(userId)
            guard !profile.isEmpty else { throw APIError.notFound("no profile for user \(userId)") }
            var out: [UInt8] = []
            profile.write(userId: userId, sections: [.tags], to: &out)
            return JSONBytesResponse.ok(out)
        }
        routes.post("/v1/profiles:batchGet", role: .reader) { request, _ in
            let body = try await RequestBody.object(request, allowed: ["user_ids", "fields"], required: ["user_ids"])
            guard let items = body["user_ids"]?.array else { throw APIError.badRequest("user_ids must be an array of user ids", field: "user_ids") }
            guard items.count <= batchLimit else {
                throw APIError(.badRequest, code: "too_many_users", "at most \(batchLimit) user_ids per request, got \(items.count)", field: "user_ids")
            }
            let userIds = try items.enumerated().map { index, item in
                switch item {
                case .string(let text) where !text.isEmpty: return text
                case _ where item.integer != nil: return String(item.integer ?? 0)
                default: throw APIError.badRequest("user_ids[\(index)] must be a non-empty string or an integer, got \(item.kindName)", field: "user_ids[\(index)]")
                }
            }
            let sections = try ProfileDocument.sections(try fieldsList(body["fields"]))
            let profiles = try await ProfileReads(redis: services.redis).stored(userIds)
            // {"not_found":[…],"profiles":[…]}: the keys in the JSON writer's sorted order.
            var out: [UInt8] = Array("{\"not_found\":[".utf8)
            out.reserveCapacity(512 * profiles.count + 64)
            var first = true
            for (userId, profile) in zip(userIds, profiles) where profile.isEmpty {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                JSONValue.string(userId).write(to: &out)
            }
            out.append(contentsOf: "],\"profiles\":[".utf8)
            first = true
            for (userId, profile) in zip(userIds, profiles) where !profile.isEmpty {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                profile.write(userId: userId, sections: sections, to: &out)
            }
            out.append(contentsOf: "]}".utf8)
            return JSONBytesResponse.ok(out)
        }
    }

    /// The body of `GET /v1/profiles/{userId}` without `explain`, or its 404; shared with
    /// ``ProfileFastPath``, which answers the same request in the channel pipeline.
    static func document(_ profile: StoredProfile, userId: String, sections: [ProfileDocument.Section]) -> Result<[UInt8], APIError> {
        guard !profile.isEmpty else { return .failure(APIError.notFound("no profile for user \(userId)")) }
        var out: [UInt8] = []
        out.reserveCapacity(512)
        profile.write(userId: userId, sections: sections, to: &out)
        return .success(out)
    }

    /// `fields` in a batchGet body: an array of section names, as text for ``ProfileDocument/sections(_:)``.
    private static func fieldsList(_ value: JSONValue?) throws -> String? {
        guard let value, value != .null else { return nil }
        let names = value.array?.compactMap(\.string) ?? []
        guard names.count == value.array?.count, !names.isEmpty else {
            throw APIError.badRequest("fields must be a non-empty array of section names", field: "fields")
        }
        return names.joined(separator: ",")
    }

    /// Why `tag` has its value for this user, computed by the processor's evaluator with the
    /// definitions stored now; `null` when the user has no stored state.
    private static func explanation(tag: String, userId: String, services: APIServices) async throws -> JSONValue {
        let catalog = try await services.withMySQL { try DefinitionCatalog.seeded(from: DefinitionStore(connection: $0), validator: try services.validator($0)) }
        let evaluator = ProfileEvaluator(definitions: catalog.current.definitions)
        guard evaluator.definitions.tags.contains(where: { $0.name == tag }) else {
            throw APIError(.badRequest, code: "unknown_tag", "explain needs an active tag; '\(tag)' is not one", field: "explain")
        }
        guard let state = try await ProfileReads(redis: services.redis).state(userId, definitions: evaluator.definitions) else { return .null }
        return evaluator.explain(tag: tag, state: state).map(JSONValue.init) ?? .null
    }
}
