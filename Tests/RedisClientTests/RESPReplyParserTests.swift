import NIOCore
import NIOPosix
@testable import Redis
import Testing

/// The Swift RESP reader of the NIO face (``RESPReplyParser``, ``RedisReply/init(resp:)``),
/// which replaced hiredis's there: against the real Redis's replies, and over replies split
/// across reads at every byte.
@Suite("RESP replies read in Swift")
struct RESPReplyParserTests {
    @Test("A reply's bytes decode to what the pipeline gives, for every kind of reply")
    func bytesDecodeAsThePipelineDoes() async throws {
        let client = RedisClient(configuration: RedisClientTestServices.configuration)
        let prefix = RedisClientTestServices.prefix("resp")
        try await client.command(["HSET", "\(prefix):h", "a.city", "Paris", "m.n", "3", "t.vip", "true", "x", "\r\n\u{0}é"])
        try await client.command(["SET", "\(prefix):s", ""])
        let commands: [[String]] = [
            ["HGETALL", "\(prefix):h"], ["HGETALL", "\(prefix):missing"], ["GET", "\(prefix):s"], ["GET", "\(prefix):missing"],
            ["PING"], ["HLEN", "\(prefix):h"], ["TTL", "\(prefix):missing"], ["HGET", "\(prefix):s", "f"],  // -2; WRONGTYPE
            ["EVAL", "return {1, {'a', {}}, false}", "0"],                             // nested arrays, a nil
        ]
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        for command in commands {
            let bytes = try await client.replyBytes(command, on: loop).get()
            let decoded = try RedisReply(resp: bytes)
            let expected = try await client.pipeline([command.map { $0 as any RedisArgument }])[0]
            #expect(decoded == expected, "\(command)")
        }
        try await client.command(["DEL", "\(prefix):h", "\(prefix):s"])
        await client.close()
    }

    @Test("Replies split across reads at any byte come out whole and in order")
    func splitReplies() throws {
        let replies = ["+OK\r\n", "-ERR no\r\n", ":-42\r\n", "$0\r\n\r\n", "$-1\r\n", "*-1\r\n", "*0\r\n",
                       "$4\r\n\r\n\r\n\r\n", "*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n+x\r\n"]
        let stream = Array(replies.joined().utf8)
        for size in 1...stream.count {
            var parser = RESPReplyParser()
            var out: [String] = []
            for start in stride(from: 0, to: stream.count, by: size) {
                var chunk = ByteBufferAllocator().buffer(capacity: size)
                chunk.writeBytes(stream[start..<min(stream.count, start + size)])
                parser.feed(chunk)
                while let reply = try parser.next() { out.append(String(decoding: reply.readableBytesView, as: UTF8.self)) }
            }
            #expect(out == replies, "reads of \(size) bytes")
        }
    }

    @Test("Reads that always end mid-reply keep only the partial reply, not everything read")
    func keptBytesStayBounded() throws {
        let reply = Array("$992\r\n\(String(repeating: "x", count: 992))\r\n".utf8)  // 1,000 bytes
        var parser = RESPReplyParser()
        var replies = 0
        var largest = 0
        // Reads of 1,001 bytes over back-to-back replies: all but one in a thousand end inside one.
        let stream = Array(repeatElement(reply, count: 3_000).joined())
        for start in stride(from: 0, to: stream.count, by: 1_001) {
            var chunk = ByteBufferAllocator().buffer(capacity: 1_001)
            chunk.writeBytes(stream[start..<min(stream.count, start + 1_001)])
            parser.feed(chunk)
            while let bytes = try parser.next() {
                #expect(bytes.readableBytesView.elementsEqual(reply))
                replies += 1
            }
            largest = max(largest, parser.bufferedCapacity)
        }
        #expect(replies == 3_000)
        #expect(largest <= 8_192, "kept \(largest) bytes of capacity for a partial reply of under 1,000")
    }

    @Test("Bytes that are not RESP are an error, not a wait")
    func invalidBytes() {
        for bad in ["?x\r\n", ":1x\r\n", "$2\r\nabc\r\n", "*x\r\n", "+a\rb\r\n", "$-2\r\n"] {
            var parser = RESPReplyParser()
            var buffer = ByteBufferAllocator().buffer(capacity: 16)
            buffer.writeString(bad)
            parser.feed(buffer)
            #expect(throws: RedisError.self, "\(bad.debugDescription)") { _ = try parser.next() }
        }
    }
}
