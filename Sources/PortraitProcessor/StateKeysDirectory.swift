import PortraitCore
import Redis
import Synchronization

/// The ``StateKeys`` lists state blobs refer to, read from Redis once each (a list never
/// changes under its fingerprint) and kept for the process's lifetime: one per definition set
/// a blob was written under.
final class StateKeysDirectory: Sendable {
    private let known = Mutex<[UInt64: StateKeys]>([:])

    /// The lists `blobs` refer to, by fingerprint: from `current` (the reader's own definition
    /// set), from those read before, else from Redis in one round trip. Throws when Redis does
    /// not hold one: the blob cannot be read without it.
    func lists(referencedBy blobs: [[UInt8]?], current: StateKeys?, connection: RedisConnection) throws -> [UInt64: StateKeys] {
        var lists: [UInt64: StateKeys] = [:]
        if let current { lists[current.fingerprint] = current }
        var missing: [UInt64] = []
        known.withLock { known in
            for blob in blobs {
                guard let blob, let fingerprint = ProfileStateCodec.stateKeysFingerprint(blob), lists[fingerprint] == nil else { continue }
                if let list = known[fingerprint] { lists[fingerprint] = list } else if !missing.contains(fingerprint) { missing.append(fingerprint) }
            }
        }
        guard !missing.isEmpty else { return lists }
        let replies = try connection.pipeline { pipe in
            for fingerprint in missing { pipe.append("GET", ProfileKeys.stateKeys(fingerprint)) }
        }
        for (fingerprint, reply) in zip(missing, replies) {
            let list = try StateKeys.stored(reply, fingerprint: fingerprint)
            lists[fingerprint] = list
            known.withLock { $0[fingerprint] = list }
        }
        return lists
    }
}

extension StateKeys {
    /// The list `GET sk:<fingerprint>` answered (``ProfileKeys/stateKeys(_:)``); throws
    /// ``StateKeysMissing`` when Redis does not hold it intact.
    public static func stored(_ reply: RedisReply, fingerprint: UInt64) throws -> StateKeys {
        guard let list = try reply.throwIfError().string.flatMap({ StateKeys(text: $0, fingerprint: fingerprint) }) else {
            throw StateKeysMissing(fingerprint: fingerprint)
        }
        return list
    }
}

/// State blobs refer to a list of metric state keys Redis does not hold (or holds corrupt).
public struct StateKeysMissing: Error, CustomStringConvertible {
    public let fingerprint: UInt64
    public init(fingerprint: UInt64) { self.fingerprint = fingerprint }
    public var description: String {
        "stored states refer to the metric state keys '\(ProfileKeys.stateKeys(fingerprint))', which Redis does not hold intact"
    }
}
