import Foundation
import Hummingbird
import JSON
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import PortraitSegments
import TagLang

/// Ad-hoc segments: `POST /v1/segments:count`, `:export` and `:portrait`, each with a boolean
/// expression over tags (`tag.buyer and not tag.vip`) evaluated on the tag bitmaps.
enum SegmentRoutes {
    static let exportLimit = 10_000
    static let sampleLimit = 100_000

    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.post("/v1/segments:count", role: .reader) { request, _ in
            let body = try await RequestBody.object(request, allowed: ["expression"], required: ["expression"])
            let start = ContinuousClock.now
            let segment = try await SegmentRequest(body, services: services)
            let count = try await AsyncSegmentBitmaps(redis: services.redis, token: UUID().uuidString).count(segment.plan)
            return JSONValue.object(["count": .integer(count), "took_ms": .integer(SegmentRequest.milliseconds(since: start))]).response()
        }

        // Pages of matching user ids in dense-id order. The cursor is where the next page
        // starts; each page is evaluated afresh, so users joining or leaving between pages
        // appear or not, but no user still in the segment is skipped or repeated.
        routes.post("/v1/segments:export", role: .reader) { request, _ in
            let body = try await RequestBody.object(request, allowed: ["expression", "cursor", "limit"], required: ["expression"])
            let segment = try await SegmentRequest(body, services: services)
            let limit = try SegmentRequest.integer(body, "limit", in: 1...exportLimit, default: 1_000)
            let start = try ExportCursor(body["cursor"])
            let page = try await exportPage(
                segment.plan, from: start, limit: limit, bitmaps: AsyncSegmentBitmaps(redis: services.redis, token: UUID().uuidString))
            return JSONValue.object([
                "user_ids": .array(page.users.map(JSONValue.string)),
                "next_cursor": page.next.map { .string($0.text) } ?? .null,
            ]).response()
        }

        routes.post("/v1/segments:portrait", role: .reader) { request, _ in
            let body = try await RequestBody.object(request, allowed: ["expression", "metrics", "sample_size", "bins"], required: ["expression"])
            let start = ContinuousClock.now
            let segment = try await SegmentRequest(body, services: services)
            let sampleSize = try SegmentRequest.integer(body, "sample_size", in: 1...sampleLimit, default: 1_000)
            let bins = try SegmentRequest.integer(body, "bins", in: 1...100, default: 10)
            let metrics = try await metricNames(body["metrics"], services: services)
            let attributes = SegmentQueries.categoricalAttributes(of: services.configuration.mapping)
            let tags = segment.activeTags.sorted { $0.name < $1.name }
            let portrait = try await GroupPortrait(
                bitmaps: AsyncSegmentBitmaps(redis: services.redis, token: UUID().uuidString), tags: tags, attributes: attributes,
                metrics: metrics, sampleSize: sampleSize, bins: bins
            ).compute(segment.plan)
            guard case .object(var object) = portrait else { return portrait.response() }
            object["expression"] = .string(segment.expression)
            object["took_ms"] = .integer(SegmentRequest.milliseconds(since: start))
            return JSONValue.object(object).response()
        }
    }

    /// The metrics to draw: those asked for (each must be active), or every active one.
    private static func metricNames(_ value: JSONValue?, services: APIServices) async throws -> [String] {
        let stored = try await services.withMySQL { try DefinitionStore(connection: $0).list(MetricDefinition.self, status: .active) }
        return try metricNames(value, active: Set(stored.map(\.definition.name)))
    }

    /// The metrics asked for in a portrait body, each checked to be one of `active`.
    static func metricNames(_ value: JSONValue?, active: Set<String>) throws -> [String] {
        guard let value, value != .null else { return active.sorted() }
        guard let items = value.array else { throw APIError.badRequest("metrics must be an array of metric names", field: "metrics") }
        return try items.enumerated().map { index, item in
            guard let name = item.string, active.contains(name) else {
                throw APIError.badRequest("metrics[\(index)] must name an active metric", field: "metrics[\(index)]")
            }
            return name
        }
    }

    static func exportPage(
        _ plan: SegmentPlan, from start: ExportCursor, limit: Int, bitmaps: AsyncSegmentBitmaps
    ) async throws -> (users: [String], next: ExportCursor?) {
        var ids: [Int64] = []
        let shards = try await bitmaps.shards()
        var shard = start.shard
        while shard <= shards.upperBound, ids.count <= limit {
            let offset = shard == start.shard ? start.offset : 0
            ids += BitmapMembers.ids(try await bitmaps.bits(plan, shard: shard), shard: shard, from: offset, limit: limit + 1 - ids.count)
            shard += 1
        }
        let more = ids.count > limit
        if more { ids.removeLast() }
        let users = try await bitmaps.userIds(ids)
        guard more, let last = ids.last else { return (users, nil) }
        let next = last + 1
        return (users, ExportCursor(shard: next / ProfileKeys.bitmapShardSize, offset: next % ProfileKeys.bitmapShardSize))
    }
}

/// Where an export page starts: `<shard>.<offset>` (opaque to clients).
struct ExportCursor {
    var shard: Int64
    var offset: Int64

    init(shard: Int64, offset: Int64) {
        self.shard = shard
        self.offset = offset
    }

    init(_ value: JSONValue?) throws {
        guard let value, value != .null else { self.init(shard: 0, offset: 0); return }
        let parts = value.string?.split(separator: ".").compactMap { Int64($0) } ?? []
        guard parts.count == 2, parts[0] >= 0, (0..<ProfileKeys.bitmapShardSize).contains(parts[1]) else {
            throw APIError(.badRequest, code: "invalid_cursor", "cursor must be a next_cursor from an earlier page", field: "cursor")
        }
        self.init(shard: parts[0], offset: parts[1])
    }

    var text: String { "\(shard).\(offset)" }
}
