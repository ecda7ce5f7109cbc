import Foundation
import MySQL
import PortraitCore
import PortraitMetadata
import Redis

/// Measures saved segments on the tag bitmaps and records each size (`segment_sizes`): what
/// `POST /v1/segments/{name}/sizes` does for one segment and the scheduler's `segment_sizes`
/// job for many. Expressions are compiled against the tags active when it was made.
public struct SavedSegmentSizer {
    /// One recorded measurement.
    public struct Measurement: Sendable, Equatable {
        public var name: String
        /// The segment version measured.
        public var version: Int
        public var size: Int64
        /// Every user with a profile, measured in the same pass.
        public var population: Int64
        public var tookMs: Int64
        /// UTC, as MariaDB prints DATETIME(6).
        public var measuredAt: String
    }

    private let store: SavedSegmentStore
    private let redis: RedisConnection
    private let tagKinds: [String: TagDefinition.Kind]

    /// Reads the active tags once; calls block on `mysql` and `redis`.
    public init(mysql: MySQLConnection, redis: RedisConnection) throws {
        store = SavedSegmentStore(connection: mysql)
        self.redis = redis
        let tags = try DefinitionStore(connection: mysql).list(TagDefinition.self, status: .active).map(\.definition)
        tagKinds = Dictionary(tags.map { ($0.name, $0.kind) }, uniquingKeysWith: { $1 })
    }

    /// The names of the segments not retired, by name.
    public func activeSegmentNames() throws -> [String] {
        try store.list().filter { $0.status == "active" }.map(\.name)
    }

    /// Whether a segment of that name exists, retired or not.
    public func exists(_ name: String) throws -> Bool {
        try store.get(name) != nil
    }

    /// Measures the segment's current version now and records the size; `nil` when there is
    /// no segment of that name. An expression that no longer compiles (a tag it reads was
    /// retired) throws its `TagLangError`, naming the position (the API's 400
    /// `invalid_expression`; the job's `unmeasurable`).
    public func measure(_ name: String) throws -> Measurement? {
        guard let saved = try store.get(name) else { return nil }
        let start = ContinuousClock.now
        let plan = try SegmentPlan(parsing: saved.expression, kinds: tagKinds)
        let bitmaps = SegmentBitmaps(connection: redis, token: UUID().uuidString)
        let (size, population) = (try bitmaps.count(plan), try bitmaps.count(.population))
        let took = start.millisecondsUntilNow
        guard let recorded = try store.recordSize(name, version: saved.version, size: size, population: population, tookMs: took) else { return nil }
        return Measurement(name: name, version: recorded.version, size: recorded.size, population: recorded.population ?? population,
                           tookMs: recorded.tookMs ?? took, measuredAt: recorded.measuredAt)
    }
}
