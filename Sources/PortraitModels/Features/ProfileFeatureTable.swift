import PortraitProcessor
import Redis

/// Stored profiles as a dense feature matrix: one row per user, one column per named field,
/// values read by ``FeatureValue/number(_:)`` (missing → 0), plus an optional 0/1 label.
///
/// Rows are sorted by user id, so the same profiles give the same matrix whatever order Redis
/// returned them in (k-means++ seeding and the optimiser depend on row order).
public struct ProfileFeatureTable: Sendable {
    public let features: [String]
    public let label: FeatureLabel?
    /// One per row, ascending.
    public let userIds: [String]
    /// `rowCount × features.count` values, row after row.
    public let values: [Double]
    /// One 0/1 per row when a label was asked for, else empty.
    public let labels: [Double]
    /// The oldest and newest `_updated` (epoch ms) among the rows: the training data's range.
    public let updatedFromMs: Int64?
    public let updatedToMs: Int64?

    public var rowCount: Int { userIds.count }

    /// The feature values of row `index`.
    public func row(_ index: Int) -> ArraySlice<Double> {
        values[index * features.count ..< (index + 1) * features.count]
    }

    /// A table from profiles' field dictionaries. A profile without `_updated` is not one the
    /// processor wrote (or it was deleted) and is left out.
    public init(features: [String], label: FeatureLabel?, profiles: [(userId: String, fields: [String: String])]) {
        self.features = features
        self.label = label
        var ids: [String] = [], values: [Double] = [], labels: [Double] = []
        var from: Int64?, to: Int64?
        for profile in profiles.sorted(by: { $0.userId < $1.userId }) {
            guard let updated = profile.fields["_updated"].flatMap({ Int64($0) }) else { continue }
            ids.append(profile.userId)
            values += FeatureValue.vector(profile.fields, features: features)
            if let label { labels.append(label.label(profile.fields[label.field])) }
            from = min(from ?? updated, updated)
            to = max(to ?? updated, updated)
        }
        userIds = ids
        self.values = values
        self.labels = labels
        updatedFromMs = from
        updatedToMs = to
    }

    /// Reads every profile the processors registered.
    ///
    /// Users come from the per-partition sets `u:<partition>` (SSCAN), not from `SCAN MATCH p:{*}`:
    /// the sets hold exactly the users with a profile, while a keyspace scan would walk every
    /// state, history, timer and bitmap key too (several per user) to filter them out. The
    /// partitions are found with one `SCAN MATCH u:*`. Fields come with one pipelined `HMGET`
    /// per user (of the sections holding them, and their flat fields in the old layout:
    /// ``ProfileHash``), `batchSize` users per round trip.
    public static func read(from redis: RedisConnection, features: [String], label: FeatureLabel?, batchSize: Int = 500) throws -> ProfileFeatureTable {
        let users = try registeredUsers(redis).sorted()
        let wanted = ["_updated"] + features + (label.map { [$0.field] } ?? [])
        let fields = ProfileHash.storedFields(for: wanted)
        var profiles: [(userId: String, fields: [String: String])] = []
        profiles.reserveCapacity(users.count)
        var start = 0
        while start < users.count {
            let batch = users[start ..< min(start + max(1, batchSize), users.count)]
            let replies = try redis.pipeline(batch.map { user -> [any RedisArgument] in ["HMGET", ProfileKeys.profile(user)] + fields })
            for (user, reply) in zip(batch, replies) {
                guard let items = try reply.throwIfError().array, items.count == fields.count else {
                    throw RedisError.unexpectedReply(expected: "\(fields.count) HMGET values", got: reply.description)
                }
                var stored: [String: String] = [:]
                for (field, item) in zip(fields, items) { stored[field] = item.string }
                profiles.append((user, ProfileHash.flatFields(stored).filter { wanted.contains($0.key) }))
            }
            start += batch.count
        }
        return ProfileFeatureTable(features: features, label: label, profiles: profiles)
    }

    /// Every user id in any `u:<partition>` set (a user moves sets only if topics are re-partitioned,
    /// and SSCAN may repeat members, hence the set).
    static func registeredUsers(_ redis: RedisConnection) throws -> Set<String> {
        var partitions: [Int32] = []
        try redis.scanAll(["SCAN"], match: "u:*") { key in
            if let partition = Int32(key.dropFirst(2)) { partitions.append(partition) }
        }
        var users = Set<String>()
        for partition in partitions {
            try redis.scanAll(["SSCAN", ProfileKeys.users(partition: partition)]) { users.insert($0) }
        }
        return users
    }
}
