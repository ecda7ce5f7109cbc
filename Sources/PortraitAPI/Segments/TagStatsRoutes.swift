import Hummingbird
import JSON
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import Redis

/// `GET /v1/tags/{name}/stats`: a tag's coverage, counted on its bitmaps: how many users it is
/// true for (boolean) or has each value for (enumerated), out of every user with a profile.
enum TagStatsRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/tags/{name}/stats", role: .reader) { _, context in
            let name = try context.parameter("name")
            let stored = try await services.withMySQL { try DefinitionStore(connection: $0).list(TagDefinition.self, status: .active) }
            guard let tag = stored.map(\.definition).first(where: { $0.name == name }) else {
                throw APIError.notFound("no active tag named \(name)")
            }
            let redis = services.redis
            let stats = try await { () async throws -> JSONValue in
                let values = tag.kind == .enumerated
                    ? (try await redis.command("SMEMBERS", ProfileKeys.tagValues(name)).array ?? []).compactMap(\.string).sorted()
                    : []
                var population: Int64 = 0, count: Int64 = 0
                var perValue = [Int64](repeating: 0, count: values.count)
                for shard in try await AsyncSegmentBitmaps(redis: redis, token: "").shards() {
                    var commands: [[any RedisArgument]] = [["BITCOUNT", ProfileKeys.population(shard: shard)]]
                    if tag.kind == .boolean { commands.append(["BITCOUNT", ProfileKeys.bitmap(tag: name, value: nil, shard: shard)]) }
                    for value in values { commands.append(["BITCOUNT", ProfileKeys.bitmap(tag: name, value: value, shard: shard)]) }
                    let replies = try await redis.pipeline(commands).map { try $0.throwIfError().int ?? 0 }
                    population += replies[0]
                    if tag.kind == .boolean { count += replies[1] }
                    for index in values.indices { perValue[index] += replies[1 + index] }
                }
                if tag.kind == .enumerated { count = perValue.reduce(0, +) }
                func share(_ part: Int64) -> JSONValue { .number(population == 0 ? 0 : Double(part) / Double(population)) }
                var object: [String: JSONValue] = [
                    "tag": .string(name), "kind": .string(tag.kind.rawValue), "population": .integer(population),
                    "count": .integer(count), "share": share(count),
                ]
                if tag.kind == .enumerated {
                    object["values"] = .array(zip(values, perValue).map { .object(["value": .string($0), "count": .integer($1), "share": share($1)]) })
                }
                return JSONValue.object(object)
            }()
            return stats.response()
        }
    }
}
