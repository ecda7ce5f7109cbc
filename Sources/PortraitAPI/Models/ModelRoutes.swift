import Hummingbird
import JSON
import PortraitModels

/// The model registry (docs/MODELS.md): `GET /v1/models`, `GET /v1/models/{name}` (versions
/// newest first with metrics and status, then the promotions), and the admin's
/// `POST /v1/models/{name}:promote` (`{"version": 3, "force": false}`) and `:rollback` — the
/// registry's own promote and rollback, so the comparison rule and the load check apply as in
/// `portrait models promote|rollback`.
enum ModelRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/models", role: .reader) { _, _ in
            let heads = try await services.withMySQL { try ModelRegistry(connection: $0).heads() }
            return JSONValue.object(["models": .array(heads.map { .object(ModelDocument.head($0)) })]).response()
        }
        routes.get("/v1/models/{name}", role: .reader) { _, context in
            let name = try context.parameter("name")
            return try await services.withMySQL { connection in try document(name, registry: ModelRegistry(connection: connection)) }.response()
        }
        routes.post("/v1/models/{name}:promote", role: .admin) { request, context in
            let name = try context.parameter("name")
            let body = try await RequestBody.object(request, allowed: ["version", "force"], required: ["version"])
            guard let number = body["version"]?.integer, (1...Int64(Int32.max)).contains(number) else {
                throw APIError.badRequest("version must be a positive integer", field: "version")
            }
            let force: Bool
            switch body["force"] {
            case nil, .null?: force = false
            case .bool(let flag)?: force = flag
            default: throw APIError.badRequest("force must be a boolean", field: "force")
            }
            let actor = context.author
            return try await services.withMySQL { connection in
                let registry = ModelRegistry(connection: connection)
                let promotion = try registry.promote(name, version: Int(number), actor: actor, force: force)
                return JSONValue.object(["promotion": ModelDocument.promotion(promotion), "model": .object(ModelDocument.head(try registry.head(name)))])
            }.response()
        }
        routes.post("/v1/models/{name}:rollback", role: .admin) { _, context in
            let name = try context.parameter("name")
            let actor = context.author
            return try await services.withMySQL { connection in
                let registry = ModelRegistry(connection: connection)
                let rollback = try registry.rollback(name, actor: actor)
                return JSONValue.object(["promotion": ModelDocument.promotion(rollback), "model": .object(ModelDocument.head(try registry.head(name)))])
            }.response()
        }
    }

    /// The head, its versions newest first, and every promote and rollback oldest first.
    private static func document(_ name: String, registry: ModelRegistry) throws -> JSONValue {
        var document = ModelDocument.head(try registry.head(name))
        document["versions"] = .array(try registry.versions(of: name).map(ModelDocument.version))
        document["promotions"] = .array(try registry.promotions(of: name).map(ModelDocument.promotion))
        return .object(document)
    }
}
