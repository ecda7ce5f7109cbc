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
            for key in try keys(matching: pattern) {
                _ = try live.command("COPY", key, key, "DB", scratchDatabase, "REPLACE")
            }
        }
        let liveNext = try live.command("GET", ProfileKeys.nextDenseId).string.flatMap(Int64.init) ?? 0
        let scratchNext = try scratch.command("GET", ProfileKeys.nextDenseId).string.flatMap(Int64.init) ?? 0
        _ = try scratch.command("SET", ProfileKeys.nextDenseId, max(liveNext, scratchNext))
        _ = try scratch.command("DEL", ProfileKeys.scratchMarker)  // the new live database is no scratch
        // Atomic for every client: connections stay on their database number, whose data changes at once.
        _ = try live.command("SWAPDB", liveDatabase, scratchDatabase)
    }

    private func keys(matching pattern: String) throws -> [String] {
        var cursor = "0"
        var found: [String] = []
        repeat {
            let reply = try live.command("SCAN", cursor, "MATCH", pattern, "COUNT", 1_000)
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
                throw RedisError.unexpectedReply(expected: "SCAN cursor and page", got: reply.description)
            }
            cursor = next
            found += (parts[1].array ?? []).compactMap(\.string)
        } while cursor != "0"
        return found
    }
}
