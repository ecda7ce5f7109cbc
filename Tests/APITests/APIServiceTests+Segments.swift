import HummingbirdTesting
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import Redis
import Testing

extension APIServiceTests {
    /// Users 1…10; buyers 1, 2, 3, 5; vips 2, 9; tier gold 1, 5 and silver 3.
    static func writeBitmaps(_ env: APITestEnvironment) throws {
        let store = DefinitionStore(connection: env.mysql)
        try store.create(TagDefinition(name: "buyer", expression: "true", status: .active), author: "t")
        try store.create(TagDefinition(name: "vip", expression: "true", status: .active), author: "t")
        try store.create(TagDefinition(name: "tier", kind: .enumerated, expression: "\"gold\"", status: .active), author: "t")
        try store.create(TagDefinition(name: "old", expression: "true", status: .retired), author: "t")
        _ = try env.redis.command("SET", ProfileKeys.nextDenseId, 10)
        for id in 1...10 { _ = try env.redis.command("SETBIT", ProfileKeys.population(shard: 0), id, 1) }
        let bits: [(String, String?, [Int64])] = [("buyer", nil, [1, 2, 3, 5]), ("vip", nil, [2, 9]), ("tier", "gold", [1, 5]), ("tier", "silver", [3])]
        for (tag, value, ids) in bits {
            for id in ids { _ = try env.redis.command("SETBIT", ProfileKeys.bitmap(tag: tag, value: value, shard: 0), id, 1) }
        }
    }

    @Test(arguments: [
        ("tag.buyer and not tag.vip", 3), ("not tag.buyer", 6), ("tag.buyer or tag.vip", 5), ("not (tag.buyer or tag.vip)", 5),
        (#"tag.tier in ["gold", "silver"]"#, 3), (#"tag.tier == "gold" or tag.vip"#, 4), (#"tag.tier != "gold""#, 8),
        (#"tag.tier not in ["gold"] and tag.buyer"#, 2), ("tag.vip == false", 8), (#"tag.tier in []"#, 0), ("not not tag.vip", 2),
    ])
    func segmentCountsOnBitmaps(expression: String, expected: Int) async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        try await env.withClient { client in
            let body = "{\"expression\": \(Self.jsonString(expression))}"
            let (status, answer) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: body)
            #expect(status == .ok, "\(answer)")
            #expect(answer["count"] as? Int == expected, "\(expression)")
            #expect(answer["took_ms"] is Int)
        }
        let leftovers = try env.redis.command("KEYS", "tmp:*").array ?? []
        #expect(leftovers.isEmpty)
    }

    @Test func segmentErrorsName400WithWhere() async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        try await env.withClient { client in
            let cases: [(String, Int, Int)] = [
                ("tag.buyer and tag.ghost", 1, 15), ("tag.old", 1, 1), ("tag.tier", 1, 1), ("tag.buyer and", 1, 14),
                (#"attr.city == "Paris""#, 1, 1), (#"tag.buyer == "yes""#, 1, 1),
            ]
            for (expression, line, column) in cases {
                let (status, answer) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: "{\"expression\": \(Self.jsonString(expression))}")
                #expect(status == .badRequest, "\(expression)")
                #expect(answer.errorCode == "invalid_expression", "\(expression)")
                #expect(answer.error["line"] as? Int == line, "\(expression)")
                #expect(answer.error["column"] as? Int == column, "\(expression)")
            }
            let (_, ghost) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: #"{"expression":"tag.ghost"}"#)
            #expect((ghost.error["message"] as? String)?.contains("ghost") == true)
        }
    }

    /// NOT spans every shard, within the population: bits of users without a profile never count.
    @Test func segmentCountsAcrossShards() async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        let size = ProfileKeys.bitmapShardSize
        _ = try env.redis.command("SET", ProfileKeys.nextDenseId, size + 4)
        for offset in 0...4 { _ = try env.redis.command("SETBIT", ProfileKeys.population(shard: 1), offset, 1) }
        _ = try env.redis.command("SETBIT", ProfileKeys.bitmap(tag: "buyer", value: nil, shard: 1), 3, 1)
        _ = try env.redis.command("SETBIT", ProfileKeys.bitmap(tag: "vip", value: nil, shard: 1), 9, 1)  // not in the population
        try await env.withClient { client in
            func count(_ expression: String) async throws -> Int? {
                try await client.call(.post, "/v1/segments:count", auth: env.reader, body: "{\"expression\": \(Self.jsonString(expression))}").1["count"] as? Int
            }
            let buyers = try await count("tag.buyer"), notBuyers = try await count("not tag.buyer"), notVips = try await count("not tag.vip")
            let everyone = try await count("true")
            #expect(buyers == 5)
            #expect(everyone == 15)
            #expect(notBuyers == 15 - 5)
            #expect(notVips == 15 - 2)
        }
    }

    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
