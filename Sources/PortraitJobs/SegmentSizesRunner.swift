import JSON
import MySQL
import PortraitScheduler
import PortraitSegments
import Redis
import TagLang

/// The `segment_sizes` job: measures saved segments on the tag bitmaps and records each size
/// (`segment_sizes`, what `GET /v1/segments/{name}` shows under `sizes`) with the same
/// ``SavedSegmentSizer`` as `POST /v1/segments/{name}/sizes`.
///
/// Params: `{"segments": ["buyers", "vips"]}` measures those (an unknown name fails the run
/// before anything is measured); without it every segment not retired. `rows` is the number
/// measured; the result lists each size, and under `unmeasurable` the segments whose expression
/// no longer compiles (a tag it reads was retired) — the rest are still measured, and the run
/// succeeds, since retrying cannot fix an expression.
public struct SegmentSizesRunner: JobRunner {
    private let mysql: MySQLPool
    private let redis: RedisPool

    public init(mysql: MySQLPool, redis: RedisPool) {
        self.mysql = mysql
        self.redis = redis
    }

    public func run(job: Job, run: JobRun, context: JobContext) async throws -> JobOutcome {
        let named = try JobParams(run.params, allowed: ["segments"]).strings("segments")
        let (mysql, redis) = (mysql, redis)
        let names = try await BlockingWork.run { () throws -> [String] in
            try mysql.withConnection { db in
                try redis.withConnection { profiles in
                    let sizer = try SavedSegmentSizer(mysql: db, redis: profiles)
                    let active = try sizer.activeSegmentNames()
                    guard let named else { return active }
                    // Retired segments can still be measured by name; unknown ones cannot.
                    for name in named where !active.contains(name) {
                        guard try sizer.exists(name) else { throw JobParamsError(key: "segments", "no segment named \(name)") }
                    }
                    return named
                }
            }
        }
        var sizes: [JSONValue] = []
        var unmeasurable: [String: JSONValue] = [:]
        for name in names {
            try await context.checkCancellation()
            let measured = try await BlockingWork.run { () throws -> Result<SavedSegmentSizer.Measurement?, TagLangError> in
                try mysql.withConnection { db in
                    try redis.withConnection { profiles in
                        do { return .success(try SavedSegmentSizer(mysql: db, redis: profiles).measure(name)) } catch let error as TagLangError {
                            return .failure(error)
                        }
                    }
                }
            }
            switch measured {
            case .success(let size?):
                sizes.append(.object([
                    "segment": .string(size.name), "version": .integer(Int64(size.version)), "size": .integer(size.size),
                    "population": .integer(size.population), "took_ms": .integer(size.tookMs),
                ]))
            case .success(nil):
                unmeasurable[name] = .string("deleted while the job ran")
            case .failure(let error):
                context.logger.warning("segment not measured", metadata: ["segment": "\(name)", "error": "\(error.message)"])
                unmeasurable[name] = .string(error.message)
            }
        }
        var result: [String: JSONValue] = ["sizes": .array(sizes)]
        if !unmeasurable.isEmpty { result["unmeasurable"] = .object(unmeasurable) }
        return JobOutcome(rows: sizes.count, result: .object(result))
    }
}
