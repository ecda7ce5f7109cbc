import Foundation
import JSON
import MySQL
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import PortraitSegments
import Redis

/// The API's segment operations for callers outside a request (`portrait segments`): the same
/// compilation against the active tags, the same bitmap evaluation, the same checks and the
/// same documents as the routes, so the CLI and the API cannot disagree. Calls that read
/// bitmaps are async on the routes' non-blocking ``RedisClient``; MySQL calls block their
/// caller (the CLI's own thread). Errors are the API's (``APIError``: code, message, field,
/// position).
public struct SegmentQueries: Sendable {
    let mysql: MySQLConnection
    let redis: RedisClient

    public init(mysql: MySQLConnection, redis: RedisClient) {
        self.mysql = mysql
        self.redis = redis
    }

    /// `POST /v1/segments:count`'s count.
    public func count(_ expression: String) async throws -> Int64 {
        let plan = try await blocking { try compile(expression).plan }
        return try await bitmaps().count(plan)
    }

    /// Every matching user id in dense-id order, handed over page by page as
    /// `POST /v1/segments:export` pages them; returns how many there were.
    @discardableResult
    public func export(_ expression: String, pageSize: Int = 10_000, _ emit: ([String]) throws -> Void) async throws -> Int {
        let plan = try await blocking { try compile(expression).plan }
        var cursor = ExportCursor(shard: 0, offset: 0)
        var total = 0
        while true {
            let page = try await SegmentRoutes.exportPage(plan, from: cursor, limit: pageSize, bitmaps: bitmaps())
            total += page.users.count
            try emit(page.users)
            guard let next = page.next else { return total }
            cursor = next
        }
    }

    /// `POST /v1/segments:portrait`'s document, without `took_ms`; `metrics` nil draws every
    /// active metric. `attributes` are the categorical attributes of the profile mapping.
    public func portrait(_ expression: String, metrics: [String]?, attributes: [String], sampleSize: Int = 1_000, bins: Int = 10) async throws -> JSONValue {
        let (plan, tags) = try await blocking { try compile(expression) }
        guard (1...SegmentRoutes.sampleLimit).contains(sampleSize) else {
            throw APIError.badRequest("sample_size must be an integer from 1 to \(SegmentRoutes.sampleLimit)", field: "sample_size")
        }
        guard (1...100).contains(bins) else { throw APIError.badRequest("bins must be an integer from 1 to 100", field: "bins") }
        let active = Set(try await blocking { try DefinitionStore(connection: mysql).list(MetricDefinition.self, status: .active).map(\.definition.name) })
        let names = try SegmentRoutes.metricNames(metrics.map { .array($0.map(JSONValue.string)) }, active: active)
        let portrait = try await GroupPortrait(
            bitmaps: bitmaps(), tags: tags.sorted { $0.name < $1.name }, attributes: attributes.sorted(), metrics: names,
            sampleSize: sampleSize, bins: bins
        ).compute(plan)
        guard case .object(var object) = portrait else { return portrait }
        object["expression"] = .string(expression)
        return .object(object)
    }

    /// The attributes a portrait draws: the mapping's string and boolean ones, by name.
    public static func categoricalAttributes(of mapping: ProfileMapping) -> [String] {
        mapping.attributeTypes.filter { $0.value == .string || $0.value == .bool }.keys.sorted()
    }

    /// `GET /v1/segments`'s `segments`.
    public func list() throws -> JSONValue {
        try SavedSegmentRoutes.list(store: SavedSegmentStore(connection: mysql))
    }

    /// `GET /v1/segments/{name}`'s document; `nil` when there is no such segment.
    public func show(_ name: String) throws -> JSONValue? {
        try SavedSegmentRoutes.document(name, store: SavedSegmentStore(connection: mysql))
    }

    /// Saves `expression` under `name`: version 1 of a new segment (`POST /v1/segments`) or the
    /// next version of an existing one (`PUT /v1/segments/{name}`, which reactivates a retired one).
    public func save(name: String, expression: String, description: String?, author: String) throws -> (segment: JSONValue, created: Bool) {
        guard SavedSegmentStore.isValidName(name) else { throw APIError.badRequest("name: \(Identifier.problem(with: name))", field: "name") }
        if let description, description.count > 1_000 {
            throw APIError.badRequest("description must be a string of at most 1000 characters", field: "description")
        }
        _ = try compile(expression)
        let store = SavedSegmentStore(connection: mysql)
        if let created = try store.create(name: name, expression: expression, description: description, author: author) {
            return (SavedSegmentRoutes.json(created, latest: nil), true)
        }
        guard let updated = try store.update(name: name, expression: expression, description: description, changeNote: nil, author: author) else {
            throw APIError.notFound("no segment named \(name)")
        }
        return (SavedSegmentRoutes.json(updated, latest: nil), false)
    }

    /// The expression's plan against the tags active now, as ``SegmentRequest`` compiles it.
    private func compile(_ expression: String) throws -> (plan: SegmentPlan, tags: [TagDefinition]) {
        let tags = try DefinitionStore(connection: mysql).list(TagDefinition.self, status: .active).map(\.definition)
        let plan = try SegmentRequest.compile(expression, kinds: Dictionary(tags.map { ($0.name, $0.kind) }, uniquingKeysWith: { $1 }))
        return (plan, tags)
    }

    private func bitmaps() -> AsyncSegmentBitmaps {
        AsyncSegmentBitmaps(redis: redis, token: UUID().uuidString)
    }

    /// MySQL blocks: off the cooperative pool, on the API's bounded pool for blocking work.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await BlockingWork.run(body)
    }
}

extension JSONValue {
    /// The compact JSON text the API would send (keys sorted).
    public var jsonText: String { String(decoding: bytes, as: UTF8.self) }
}
