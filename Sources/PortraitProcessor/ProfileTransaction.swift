import Redis

/// A flush transaction's writes with their commands, built before its fence is read
/// (``RedisProfileStore/prepare(_:updatedMs:fenced:)``).
struct PreparedTransaction {
    let writes: [ProfileWrite]
    let updatedMs: Int64
    let commands: RESPCommands
    /// The partitions whose owner epochs fence it (none for a recompute's scratch database).
    let partitions: [Int32]
}

/// A transaction sent and not yet answered (``RedisProfileStore/begin(_:generation:epochs:)``).
struct SentTransaction {
    let prepared: PreparedTransaction
    /// Per write: `.notOwner` where the fence was lost, otherwise written once `EXEC` ran.
    var outcomes: [WriteOutcome]
    /// Commands queued between `MULTI` and `EXEC`; `nil` when nothing was sent.
    var queued: Int?
}
