extension RedisConnection {
    /// Runs a SCAN-family command (`["SCAN"]`, `["SSCAN", key]`, …) to the end, handing each
    /// returned member to `body`. Members may repeat, as SCAN promises no more.
    public func scanAll(_ command: [any RedisArgument], match: String? = nil, _ body: (String) throws -> Void) throws {
        var cursor = "0"
        repeat {
            var arguments = command + [cursor as any RedisArgument]
            if let match { arguments += ["MATCH", match] }
            arguments += ["COUNT", 1_000]
            let reply = try self.command(arguments)
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let members = parts[1].array else {
                throw RedisError.unexpectedReply(expected: "cursor and members", got: reply.description)
            }
            for member in members { if let text = member.string { try body(text) } }
            cursor = next
        } while cursor != "0"
    }
}
