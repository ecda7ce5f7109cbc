import PortraitCore
import PortraitProcessor
import Redis

/// The API's reads of stored profiles (layout in ``ProfileKeys``), on the non-blocking
/// ``RedisClient``: the same reads as the processor's blocking `RedisProfileStore`.
struct ProfileReads {
    let redis: RedisClient

    /// One user's profile hash in the flat form (``ProfileHash/flatFields(_:)``); empty when unknown.
    func profile(_ userId: String) async throws -> [String: String] {
        ProfileHash.flatFields(try await redis.command("HGETALL", ProfileKeys.profile(userId)).hashFields)
    }

    /// One user's profile hash, sorted for writing (``StoredProfile/isEmpty`` when unknown).
    func stored(_ userId: String) async throws -> StoredProfile {
        StoredProfile(hash: try await redis.command("HGETALL", ProfileKeys.profile(userId)))
    }

    /// The profile hashes of `userIds`, in order, sorted for writing; one round trip, several
    /// in one transaction as in ``profiles(_:)``.
    func stored(_ userIds: [String]) async throws -> [StoredProfile] {
        guard !userIds.isEmpty else { return [] }
        let commands: [[any RedisArgument]] = userIds.map { ["HGETALL", ProfileKeys.profile($0)] }
        let replies = userIds.count == 1 ? try await redis.pipeline(commands) : try await redis.transaction(commands)
        return try replies.map { StoredProfile(hash: try $0.throwIfError()) }
    }

    /// The profile hashes of `userIds` in the flat form, in order (empty when unknown), in one
    /// round trip; several in one transaction, so all come from one generation (docs/RECOMPUTE.md).
    func profiles(_ userIds: [String]) async throws -> [[String: String]] {
        guard !userIds.isEmpty else { return [] }
        let commands: [[any RedisArgument]] = userIds.map { ["HGETALL", ProfileKeys.profile($0)] }
        let replies = userIds.count == 1 ? try await redis.pipeline(commands) : try await redis.transaction(commands)
        return try replies.map { ProfileHash.flatFields(try $0.throwIfError().hashFields) }
    }

    /// One user's engine state, `nil` for a user never seen, with the metric values and tags
    /// Redis holds (from the profile hash, typed by `definitions`, when the blob leaves them
    /// out), as the processor loads it.
    func state(_ userId: String, definitions: DefinitionSet) async throws -> ProfileState? {
        let replies = try await redis.pipeline([["GET", ProfileKeys.state(userId)], ProfileHash.valueSectionsCommand(userId)])
        guard case .bulk(let bytes) = try replies[0].throwIfError() else { return nil }
        let sections = (try replies[1].throwIfError().array ?? []).map(\.bytes)
        var keys = definitions.stateKeys  // older blobs name their states and ignore it
        if let fingerprint = ProfileStateCodec.stateKeysFingerprint(bytes), fingerprint != keys.fingerprint {
            // Written under other definitions than the API's: the list is read from Redis.
            keys = try StateKeys.stored(try await redis.command("GET", ProfileKeys.stateKeys(fingerprint)), fingerprint: fingerprint)
        }
        return try ProfileHash.StoredValueTypes(definitions).state(blob: bytes, sections: sections, userId: userId, keys: keys)
    }
}
