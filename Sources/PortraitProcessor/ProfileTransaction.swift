import Redis

/// A flush transaction's writes with their commands, built before its fence is read
/// (``RedisProfileStore/prepare(_:updatedMs:fenced:)``).
struct PreparedTransaction {
    let writes: [ProfileWrite]
    let updatedMs: Int64
    let commands: RESPCommands
    /// The behaviour lists its commands push to.
    let pushes: [ListPush]
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
    /// The behaviour lists the commands sent push to.
    var pushes: [ListPush] = []
}

/// A tag- or metric-history list a transaction pushes to. `LPUSH` answers the list's length,
/// so the list is trimmed to its limit only once it has grown past it
/// (``RedisProfileStore/finish(_:generation:epochs:)``) rather than by an `LTRIM` after every
/// push: most lists are short, and those `LTRIM`s were two thirds of a live flush's. Readers
/// read these lists up to their limits only, so a list that is longer for a moment (or, after a
/// crash between the push and the trim, until its next push) reads the same. The recent events
/// are trimmed in the transaction instead (``ProfileFlushCommands``).
struct ListPush {
    /// The `LPUSH`'s position among the commands queued in the transaction.
    var command: Int
    var key: String
    var limit: Int
}
