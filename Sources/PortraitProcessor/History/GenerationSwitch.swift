import Redis

/// Swaps a finished generation in. What is not profile content moves along: processor status
/// and applied-definition records are copied from the live database, and the dense-id counter
/// is raised to the live one (live processors may have handed out ids meanwhile).
struct GenerationSwitch {
    let live: RedisConnection
    let liveDatabase: Int
    let scratch: RedisConnection
    let scratchDatabase: Int

    /// Keys of the live database that belong to the running system, not to a generation.
    static let carriedPatterns = ["stat:*", "ctl:*"]

    func swap() throws {
        for pattern in Self.carriedPatterns {
            var keys = Set<String>()
            try live.scanAll(["SCAN"], match: pattern) { keys.insert($0) }
            for key in keys { _ = try live.command("COPY", key, key, "DB", scratchDatabase, "REPLACE") }
        }
        let liveNext = try live.command("GET", ProfileKeys.nextDenseId).string.flatMap(Int64.init) ?? 0
        let scratchNext = try scratch.command("GET", ProfileKeys.nextDenseId).string.flatMap(Int64.init) ?? 0
        _ = try scratch.command("SET", ProfileKeys.nextDenseId, max(liveNext, scratchNext))
        _ = try scratch.command("DEL", ProfileKeys.scratchMarker)  // the new live database is no scratch
        // Atomic for every client: connections stay on their database number, whose data changes at once.
        _ = try live.command("SWAPDB", liveDatabase, scratchDatabase)
    }
}
