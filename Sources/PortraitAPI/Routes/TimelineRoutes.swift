import Foundation
import Hummingbird
import JSON
import PortraitProcessor
import Redis

/// `GET /v1/profiles/{userId}/timeline`: one user's behaviour over time, from the lists the
/// processor keeps beside the profile (``BehaviourRecord``): recent events, counts of them by
/// type and category, metric values after each change, and every tag change with the version
/// of the definition that made it.
enum TimelineRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/profiles/{userId}/timeline", role: .reader) { request, context in
            let userId = try context.parameter("userId")
            let limit = try limitParameter(request.uri.queryParameters.get("limit"))
            // One transaction: the lists as of one write, and of one generation (docs/RECOMPUTE.md).
            let replies = try await services.redis.transaction([
                ["EXISTS", ProfileKeys.profile(userId)],
                ["LRANGE", ProfileKeys.recentEvents(userId), 0, limit - 1],
                ["LRANGE", ProfileKeys.metricHistory(userId), 0, BehaviourRecord.metricHistoryLimit - 1],
                ["LRANGE", ProfileKeys.tagHistory(userId), 0, limit - 1],
            ]).map { try $0.throwIfError() }
            guard replies[0].int == 1 else { throw APIError.notFound("no profile for user \(userId)") }
            let events = entries(replies[1])
            let metrics = entries(replies[2]).reversed()
            let tagChanges = entries(replies[3])
            return JSONValue.object([
                "user_id": .string(userId),
                "events": .array(events.map { .object(["time_ms": $0["t"] ?? .null, "fields": $0["f"] ?? .object([:])]) }),
                "counts": counts(events),
                "metric_history": metricSeries(metrics),
                // An entry holds one write's changes (at least one each, so `limit` entries
                // hold `limit` changes or more).
                "tag_changes": .array(tagChanges.lazy.flatMap(BehaviourRecord.tagChanges(inEntry:)).prefix(limit).map {
                    .object(["time_ms": $0.timeMs, "tag": $0.tag, "from": $0.from, "to": $0.to, "version": $0.version])
                }),
            ]).response()
        }
    }

    static let defaultLimit = 100

    private static func limitParameter(_ text: String?) throws -> Int {
        guard let text else { return defaultLimit }
        guard let limit = Int(text), (1...BehaviourRecord.tagChangeLimit).contains(limit) else {
            throw APIError.badRequest("limit must be an integer from 1 to \(BehaviourRecord.tagChangeLimit)", field: "limit")
        }
        return limit
    }

    /// The list's entries as objects; an entry that does not parse is left out (written by
    /// the processor, so never expected).
    private static func entries(_ reply: RedisReply) -> [[String: JSONValue]] {
        (reply.array ?? []).compactMap { item in
            guard let bytes = item.bytes else { return nil }
            return (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)))?.object
        }
    }

    /// How many of the recent events had each `type` and each `category`.
    private static func counts(_ events: [[String: JSONValue]]) -> JSONValue {
        var byType: [String: Int64] = [:], byCategory: [String: Int64] = [:]
        for event in events {
            let fields = event["f"]?.object ?? [:]
            if let type = fields["type"]?.string { byType[type, default: 0] += 1 }
            if let category = fields["category"]?.string { byCategory[category, default: 0] += 1 }
        }
        return .object([
            "by_type": .object(byType.mapValues(JSONValue.integer)),
            "by_category": .object(byCategory.mapValues(JSONValue.integer)),
        ])
    }

    /// Per metric, its value after each change, oldest first.
    private static func metricSeries(_ entries: some Sequence<[String: JSONValue]>) -> JSONValue {
        var series: [String: [JSONValue]] = [:]
        for entry in entries {
            for (metric, value) in entry["m"]?.object ?? [:] {
                series[metric, default: []].append(.object(["time_ms": entry["t"] ?? .null, "value": value]))
            }
        }
        return .object(series.mapValues(JSONValue.array))
    }
}
