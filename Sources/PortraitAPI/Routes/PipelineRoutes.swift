import Hummingbird
import JSON
import MySQL
import PortraitProcessor
import Redis

/// `GET /v1/pipeline`: the health of what feeds the profiles, for the console's dashboard:
/// each ingest's saved binlog position and how far behind the source it was when saved, and
/// each live processor's last report (throughput and freshness).
enum PipelineRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        routes.get("/v1/pipeline", role: .reader) { _, _ in
            let ingest = try await services.withMySQL { connection in
                try connection.query("""
                    SELECT ingest_name, binlog_file, binlog_offset, CAST(source_ts AS CHAR) AS source_ts,
                           CAST(updated_at AS CHAR) AS updated_at,
                           TIMESTAMPDIFF(MICROSECOND, source_ts, updated_at) / 1e6 AS lag_seconds
                    FROM cdc_positions ORDER BY ingest_name
                    """).map { row -> JSONValue in
                    .object([
                        "name": .string(try row.decode(String.self, "ingest_name")),
                        "position": .string("\(try row.decode(String.self, "binlog_file")):\(try row.decode(Int64.self, "binlog_offset"))"),
                        "source_ts": try row.decode(String?.self, "source_ts").map(JSONValue.string) ?? .null,
                        "updated_at": .string(try row.decode(String.self, "updated_at")),
                        "lag_seconds": try row.decode(String?.self, "lag_seconds").flatMap(Double.init).map(JSONValue.number) ?? .null,
                    ])
                }
            }
            let redis = services.redis
            let (population, processors) = try await { () async throws -> (Int64, [JSONValue]) in
                let names = (try await redis.command("ZRANGE", ProfileKeys.processors, 0, -1).array ?? []).compactMap(\.string)
                let replies = try await redis.pipeline(names.map { ["HGETALL", ProfileKeys.processorStatus($0)] })
                let processors = zip(names, replies).compactMap { name, reply -> JSONValue? in
                    let fields = reply.hashFields
                    guard !fields.isEmpty else { return nil }  // expired: the processor stopped
                    var object: [String: JSONValue] = ["name": .string(name)]
                    for (field, value) in fields { object[field] = value.isEmpty ? .null : JSONValue.parsing(stored: value, booleans: false) }
                    return .object(object)
                }
                return (try await AsyncSegmentBitmaps(redis: redis, token: "").count(.population), processors)
            }()
            return JSONValue.object([
                "population": .integer(population), "processors": .array(processors), "ingest": .array(ingest),
            ]).response()
        }
    }
}
