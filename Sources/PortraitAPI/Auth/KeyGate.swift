import Synchronization

/// Remembers keys MySQL accepted for a few seconds, so a request costs no database round trip
/// (a revoked key stops working within ``ttl``; `last_used_at` is refreshed at most that often),
/// and keeps a token bucket per key name for the per-key rate limit.
final class KeyGate: Sendable {
    struct Caller {
        var name: String
        var role: APIRole
        var checkedAt: ContinuousClock.Instant
    }

    struct Bucket {
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
    }

    let ttl: Duration
    /// Requests per second per key; 0 turns the limit off. The bucket holds two seconds' worth.
    let ratePerSecond: Double
    // Keyed by the SHA-256 of the whole key: knowing when a lookup hits tells an attacker
    // nothing without a preimage of the hash.
    private let callers = Mutex<[String: Caller]>([:])
    private let buckets = Mutex<[String: Bucket]>([:])

    init(ttl: Duration = .seconds(5), ratePerSecond: Double) {
        self.ttl = ttl
        self.ratePerSecond = ratePerSecond
    }

    func cached(hash: String, now: ContinuousClock.Instant = .now) -> (name: String, role: APIRole)? {
        callers.withLock { callers in
            guard let caller = callers[hash], caller.checkedAt.duration(to: now) < ttl else { return nil }
            return (caller.name, caller.role)
        }
    }

    func remember(hash: String, name: String, role: APIRole, now: ContinuousClock.Instant = .now) {
        callers.withLock { callers in
            if callers.count > 10_000 { callers.removeAll() }  // bounded: unknown keys are never remembered
            callers[hash] = Caller(name: name, role: role, checkedAt: now)
        }
    }

    /// Takes one request from `name`'s bucket; returns the seconds to wait when it is empty.
    func admit(_ name: String, now: ContinuousClock.Instant = .now) -> Double? {
        guard ratePerSecond > 0 else { return nil }
        let capacity = ratePerSecond * 2
        return buckets.withLock { buckets in
            var bucket = buckets[name] ?? Bucket(tokens: capacity, refilledAt: now)
            let elapsed = bucket.refilledAt.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * ratePerSecond)
            bucket.refilledAt = now
            defer { buckets[name] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / ratePerSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}
