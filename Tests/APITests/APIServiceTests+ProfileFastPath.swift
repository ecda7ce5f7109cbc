import Foundation
import HummingbirdTesting
import Logging
@testable import PortraitAPI
import PortraitProcessor
import Redis
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16: `GET /v1/profiles/{userId}` answered in the channel pipeline (`ProfileFastPath`)
/// must give, byte for byte, what the Hummingbird route gives, keep a pipelined connection's
/// answers in order when its requests mix both paths, and write the same access log lines.
extension APIServiceTests {
    @Test func fastPathAnswersExactlyAsTheHummingbirdRoute() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        try Self.writeProfile(env.redis, userId: "a b/c")
        let longId = String(repeating: "x", count: EventValidator.maxUserIdBytes + 1)
        // Answered on the fast path once the reader key is in the key cache.
        let fastCases: [(String, String?)] = [
            ("/v1/profiles/42", env.reader),                            // found
            ("/v1/profiles/42?fields=tags,metrics", env.reader),       // sections
            ("/v1/profiles/a%20b%2Fc", env.reader),                    // percent-decoded id
            ("/v1/profiles/nobody", env.reader),                       // not found
            ("/v1/profiles/%ZZ", env.reader),                          // bad id: 400
            ("/v1/profiles/\(longId)", env.reader),                    // bad id: path_too_long
            ("/v1/profiles/42?fields=bogus", env.reader),              // bad fields: 400
            ("/v1/profiles/42", nil),                                  // no key: 401
            ("/v1/profiles/42", "Basic abc"),                          // malformed key: 401
            ("/v1/profiles/\(longId)", nil),                           // the path limit comes before the key
        ]
        // Left to Hummingbird; listed to check they are still the route's answers.
        let passedCases: [(String, String?)] = [
            ("/v1/profiles/42", env.collector),                        // a key not in the cache yet
            ("/v1/profiles/42", "Bearer pk_abcdefgh_" + String(repeating: "a", count: 32)),  // unknown key: 401
            ("/v1/profiles/42?explain=buyer", env.reader),             // explain
            ("/v1/profiles/42?fields=tags&x=1", env.reader),           // another query parameter
            ("/v1/profiles/42/", env.reader),                          // not the route's shape
            ("/v1/profiles/42", env.reader + "\r\nAuthorization: " + env.reader),  // two Authorization fields
        ]
        let cases = fastCases + passedCases
        let fastLog = RecordedLogLines(), routeLog = RecordedLogLines()
        let fastCounters = ServingCounters(), routeCounters = ServingCounters()
        var fastAnswers: [[UInt8]] = [], routeAnswers: [[UInt8]] = []
        for (fastPath, counters, log) in [(true, fastCounters, fastLog), (false, routeCounters, routeLog)] {
            let answers = Answers()
            let logger = Logger(label: "portrait.api") { _ in RecordingLogHandler(lines: log) }
            try await Self.withWarmServer(env, logger: logger, fastPath: fastPath, counters: counters) { port in
                for (path, auth) in cases {
                    answers.append(try Self.rawExchange(port: port, Self.get(path, auth: auth), answers: 1)[0])
                }
            }
            if fastPath { fastAnswers = answers.all } else { routeAnswers = answers.all }
        }
        #expect(fastCounters.profileFastPathAnswers == fastCases.count, "each fast case on the fast path, the others not")
        #expect(routeCounters.profileFastPathAnswers == 0)
        for (index, (path, _)) in cases.enumerated() {
            let fast = Self.withoutDate(fastAnswers[index]), route = Self.withoutDate(routeAnswers[index])
            #expect(fast == route, "\(path.prefix(60)):\nfast path:\n\(String(decoding: fast, as: UTF8.self))\nroute:\n\(String(decoding: route, as: UTF8.self))")
        }
        let statuses = fastAnswers.map(Self.status)
        #expect(Array(statuses.prefix(fastCases.count)) == [200, 200, 200, 404, 400, 400, 400, 401, 401, 400])
        #expect(Array(statuses[fastCases.count..<fastCases.count + 2]) == [200, 401])
        #expect(Self.headerValue("date", in: fastAnswers[0])?.hasSuffix(" GMT") == true)
        #expect(Self.headerValue("date", in: fastAnswers[0])?.count == Self.headerValue("date", in: routeAnswers[0])?.count)
        // The same access log lines: method, route pattern, status, in order.
        func shape(_ lines: [[String: String]]) -> [String] {
            lines.map { "\($0["method"] ?? "-") \($0["route"] ?? "-") \($0["status"] ?? "-") \($0.keys.sorted())" }
        }
        #expect(shape(fastLog.requests) == shape(routeLog.requests))
        #expect(fastLog.requests.count == cases.count + 1)
        #expect(fastLog.requests.allSatisfy { $0["ms"] != nil })
    }

    @Test func fastPathKeepsPipelinedAnswersInOrderBesideHummingbirdsOwn() async throws {
        let env = try APITestEnvironment()
        for user in 1...6 { try Self.writeProfile(env.redis, userId: "u\(user)") }
        let batch = #"{"user_ids":["u5","nobody","u6"],"fields":["attributes"]}"#
        @Sendable func pipelined(_ reader: String) -> [UInt8] {
            Self.get("/v1/profiles/u1", auth: reader)                        // fast
                + Self.get("/v1/profiles/u2/tags", auth: reader)             // Hummingbird, held behind u1
                + Self.get("/v1/profiles/u3", auth: reader)                  // after Hummingbird's: Hummingbird
                + Self.get("/healthz", auth: nil)                            // the health handler or Hummingbird
                + Array("POST /v1/profiles:batchGet HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(reader)\r\nContent-Type: application/json\r\nContent-Length: \(batch.utf8.count)\r\n\r\n\(batch)".utf8)
                + Self.get("/v1/profiles/u4?fields=tags", auth: reader)
                + Self.get("/v1/profiles/nobody", auth: reader)
                + Self.get("/v1/profiles/u1", auth: nil)
                + Self.get("/v1/no-such-route", auth: reader)
                + Self.get("/v1/profiles/u6", auth: reader)
        }
        let expected = [200, 200, 200, 200, 200, 200, 404, 401, 404, 200]
        var answersByPath: [Bool: [[UInt8]]] = [:]
        for fastPath in [true, false] {
            let counters = ServingCounters()
            let answers = Answers()
            try await Self.withWarmServer(env, fastPath: fastPath, counters: counters, warm: "/v1/profiles/u1") { port in
                // Fast first, then a run of fast ones only, then the mix, on one connection each.
                for answer in try Self.rawExchange(port: port, (1...6).flatMap { Self.get("/v1/profiles/u\($0)", auth: env.reader) }, answers: 6) {
                    answers.append(answer)
                }
                for answer in try Self.rawExchange(port: port, pipelined(env.reader), answers: expected.count) { answers.append(answer) }
            }
            let all = answers.all
            #expect(all.prefix(6).map(Self.status) == Array(repeating: 200, count: 6))
            #expect(all.prefix(6).map { Self.json($0)?["user_id"] as? String } == (1...6).map { "u\($0)" }, "in request order")
            let mixed = Array(all.dropFirst(6))
            #expect(mixed.map(Self.status) == expected, "fast path \(fastPath)")
            #expect(Self.json(mixed[0])?["user_id"] as? String == "u1")
            #expect(Self.json(mixed[1])?["user_id"] as? String == "u2" && Self.json(mixed[1])?["attributes"] == nil)
            #expect(Self.json(mixed[2])?["user_id"] as? String == "u3")
            #expect(Self.json(mixed[3])?["status"] as? String == "ok")
            #expect((Self.json(mixed[4])?["not_found"] as? [String]) == ["nobody"])
            #expect(Self.json(mixed[5])?["user_id"] as? String == "u4" && Self.json(mixed[5])?["metrics"] == nil)
            #expect(Self.json(mixed[9])?["user_id"] as? String == "u6")
            if fastPath {
                #expect(counters.profileFastPathAnswers >= 7, "the run and the first of the mix at least: \(counters.profileFastPathAnswers)")
            } else {
                #expect(counters.profileFastPathAnswers == 0)
            }
            answersByPath[fastPath] = all
        }
        let fast = try #require(answersByPath[true]), route = try #require(answersByPath[false])
        #expect(fast.map(Self.withoutDate) == route.map(Self.withoutDate))
    }

    /// The fast path writes its answers past NIO's response encoder, which matches each response
    /// to its request's method (no body after a `HEAD`): a `HEAD` behind fast answers on one
    /// connection must still get its head alone, and the answer after it must follow at once.
    @Test func fastPathAnswersKeepAHeadRequestBodilessBehindThem() async throws {
        let env = try APITestEnvironment()
        for user in 1...3 { try Self.writeProfile(env.redis, userId: "u\(user)") }
        var streams: [Bool: [UInt8]] = [:]
        for fastPath in [true, false] {
            let counters = ServingCounters()
            let received = Answers()
            try await Self.withWarmServer(env, fastPath: fastPath, counters: counters, warm: "/v1/profiles/u1") { port in
                let head = Array("HEAD /v1/profiles/u2 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(env.reader)\r\n\r\n".utf8)
                let requests = Self.get("/v1/profiles/u1", auth: env.reader) + Self.get("/v1/profiles/u2", auth: env.reader) + head
                    + Self.get("/v1/profiles/u3", auth: env.reader)
                let fd = try RawHTTPClient.connected(port: port)
                defer { close(fd) }
                let sent = requests.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                #expect(sent == requests.count)
                shutdown(fd, Int32(SHUT_WR))  // the server ends the connection after the last answer
                var stream: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    guard got > 0 else { break }
                    stream += buffer[0..<got]
                }
                received.append(stream)
            }
            // u3 arrives while Hummingbird has the HEAD, so Hummingbird answers it too.
            #expect(counters.profileFastPathAnswers == (fastPath ? 2 : 0))
            streams[fastPath] = try #require(received.all.first)
        }
        for (fastPath, stream) in streams {
            // Two answers with bodies, the HEAD's head alone (405: the route has no HEAD), then the last answer.
            var rest = stream[...]
            var answers: [[UInt8]] = []
            for hasBody in [true, true, false, true] {
                let end = try #require(rest.firstRange(of: Array("\r\n\r\n".utf8)), "fast path \(fastPath): \(answers.count) answers")
                let length = hasBody ? Self.headerValue("content-length", in: Array(rest[..<end.upperBound])).flatMap { Int($0) } ?? 0 : 0
                answers.append(Array(rest[..<(end.upperBound + length)]))
                rest = rest[(end.upperBound + length)...]
            }
            #expect(rest.isEmpty, "fast path \(fastPath): nothing after the last answer")
            #expect(answers.map(Self.status) == [200, 200, 405, 200], "fast path \(fastPath)")
            #expect(answers.map { Self.json($0)?["user_id"] as? String } == ["u1", "u2", nil, "u3"], "fast path \(fastPath)")
        }
        let text = streams.mapValues { String(decoding: Self.withoutDate($0), as: UTF8.self) }
        #expect(text[true] == text[false])
    }

    @Test func fastPathAnswersALongPipelineInOrderPastItsPendingLimit() async throws {
        let env = try APITestEnvironment()
        for user in 0..<10 { try Self.writeProfile(env.redis, userId: "u\(user)") }
        let count = ProfileFastPathHandler.maxPending * 4
        let counters = ServingCounters()
        let answers = Answers()
        try await Self.withWarmServer(env, counters: counters, warm: "/v1/profiles/u0") { port in
            // Every request in one write; reads pause at the limit and resume as answers go out.
            let requests = (0..<count).flatMap { Self.get("/v1/profiles/\($0 % 11 == 10 ? "nobody" : "u\($0 % 11)")", auth: env.reader) }
            for answer in try Self.rawExchange(port: port, requests, answers: count) { answers.append(answer) }
        }
        let all = answers.all
        #expect(all.count == count)
        #expect(all.map(Self.status) == (0..<count).map { $0 % 11 == 10 ? 404 : 200 })
        #expect(all.enumerated().allSatisfy { index, answer in index % 11 == 10 || Self.json(answer)?["user_id"] as? String == "u\(index % 11)" })
        #expect(counters.profileFastPathAnswers == count)
    }

    @Test func fastPathAnswersEverythingBeforeAHalfClose() async throws {
        let env = try APITestEnvironment()
        for user in 1...3 { try Self.writeProfile(env.redis, userId: "u\(user)") }
        let counters = ServingCounters()
        let answers = Answers()
        try await Self.withWarmServer(env, counters: counters, warm: "/v1/profiles/u1") { port in
            // The client sends its requests, then shuts its sending side: every answer must come.
            for requests in [
                (1...3).flatMap { Self.get("/v1/profiles/u\($0)", auth: env.reader) },
                Self.get("/v1/profiles/u1", auth: env.reader) + Self.get("/v1/profiles/u2/tags", auth: env.reader) + Self.get("/v1/profiles/u3", auth: env.reader),
            ] {
                let fd = try RawHTTPClient.connected(port: port)
                defer { close(fd) }
                let sent = requests.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                #expect(sent == requests.count)
                shutdown(fd, Int32(SHUT_WR))
                for answer in try Self.exchange(on: fd, [], answers: 3) { answers.append(answer) }
            }
        }
        let all = answers.all
        #expect(all.map(Self.status) == Array(repeating: 200, count: 6))
        #expect(all.map { Self.json($0)?["user_id"] as? String } == ["u1", "u2", "u3", "u1", "u2", "u3"])
        #expect(counters.profileFastPathAnswers >= 4)
    }

    @Test func fastPathKeepsABadBodyBehindItsAnswersAsTheRouteDoes() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis, userId: "u1")
        var statuses: [[Int]] = []
        for fastPath in [true, false] {
            let answers = Answers()
            try await Self.withWarmServer(env, fastPath: fastPath, warm: "/v1/profiles/u1") { port in
                // A fast read, then a request for Hummingbird whose chunked body does not parse.
                let bad = "POST /v1/profiles:batchGet HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(env.reader)\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
                for answer in try RawHTTPClient.exchange(port: port, bytes: Self.get("/v1/profiles/u1", auth: env.reader) + Array(bad.utf8)) {
                    answers.append(answer.body)
                    answers.append(Array(String(answer.status).utf8))
                }
            }
            let all = answers.all
            statuses.append(stride(from: 1, to: all.count, by: 2).map { Int(String(decoding: all[$0], as: UTF8.self)) ?? 0 })
            #expect((try? JSONSerialization.jsonObject(with: Data(all[0]))) as? [String: Any] != nil && String(decoding: all[0], as: UTF8.self).contains("\"u1\""))
            #expect(String(decoding: all.count > 2 ? all[2] : [], as: UTF8.self).contains("malformed_request"), "fast path \(fastPath)")
        }
        #expect(statuses[0] == [200, 400])
        #expect(statuses[0] == statuses[1])
    }

    @Test func fastPathTimesOutAsTheRouteDoesAndKeepsTheConnection() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        var bodies: [[UInt8]] = []
        for fastPath in [true, false] {
            let counters = ServingCounters()
            let answers = Answers()
            try await Self.withWarmServer(env, fastPath: fastPath, counters: counters, configure: {
                $0.requestTimeoutSeconds = 0.3
            }) { port in
                let fd = try RawHTTPClient.connected(port: port)
                defer { close(fd) }
                // Redis answers nobody for 1.5 s: the read outlives the 0.3 s limit.
                let pauser = try RedisConnection(configuration: env.redisConfiguration)
                _ = try pauser.command("CLIENT", "PAUSE", "1500", "ALL")
                answers.append(try Self.exchange(on: fd, Self.get("/v1/profiles/42", auth: env.reader), answers: 1)[0])
                try await Task.sleep(for: .milliseconds(1_800))
                // The same keep-alive connection serves the next request.
                answers.append(try Self.exchange(on: fd, Self.get("/v1/profiles/42", auth: env.reader), answers: 1)[0])
            }
            let all = answers.all
            #expect(all.map(Self.status) == [503, 200], "fast path \(fastPath)")
            #expect((Self.json(all[0])?["error"] as? [String: Any])?["code"] as? String == "timeout")
            #expect(counters.profileFastPathAnswers == (fastPath ? 2 : 0))
            bodies.append(Self.withoutDate(all[0]))
        }
        #expect(bodies[0] == bodies[1], "\(String(decoding: bodies[0], as: UTF8.self))\n\(String(decoding: bodies[1], as: UTF8.self))")
    }

    @Test func fastPathRefusesOverTheRateLimitAsTheRouteDoes() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        var answersByPath: [[UInt8]] = []
        for fastPath in [true, false] {
            let answers = Answers()
            try await Self.withWarmServer(env, fastPath: fastPath, configure: {
                $0.rateLimitPerSecond = 0.001  // the bucket holds 0.002 requests: every request waits ~1000 s
            }) { port in
                answers.append(try Self.rawExchange(port: port, Self.get("/v1/profiles/42", auth: env.reader), answers: 1)[0])
            }
            answersByPath.append(Self.withoutDate(answers.all[0]))
        }
        #expect(Self.status(answersByPath[0]) == 429)
        #expect(Self.headerValue("retry-after", in: answersByPath[0]) != nil)
        #expect(answersByPath[0] == answersByPath[1])
    }
}

/// Raw-socket helpers for the fast-path tests: keep-alive requests (no `Connection` header, which
/// the fast path leaves to Hummingbird) and whole answers as bytes.
extension APIServiceTests {
    /// Answers collected inside a `withClient` body.
    final class Answers: Sendable {
        private let stored = Mutex<[[UInt8]]>([])
        var all: [[UInt8]] { stored.withLock { $0 } }
        func append(_ answer: [UInt8]) { stored.withLock { $0.append(answer) } }
    }

    /// A live server with the key cache on (the fast path serves a key once it is cached), the
    /// reader key cached by one read of `warm` first; `body` gets the server's port.
    static func withWarmServer(
        _ env: APITestEnvironment, logger: Logger = Logger(label: "portrait.api"), fastPath: Bool = true,
        counters: ServingCounters? = nil, warm: String? = "/v1/profiles/42",
        configure: (inout APIConfiguration) -> Void = { _ in }, _ body: @escaping @Sendable (Int) async throws -> Void
    ) async throws {
        try await env.withClient(logger: logger, mode: .live, configure: {
            $0.keyCacheSeconds = 60
            $0.profileFastPath = fastPath
            if let counters { $0.servingCounters = counters }
            configure(&$0)
        }) { client in
            let port = try #require(client.port)
            if let warm { _ = try rawExchange(port: port, get(warm, auth: env.reader), answers: 1) }
            try await body(port)
        }
    }

    static func get(_ path: String, auth: String?) -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(auth.map { "Authorization: \($0)\r\n" } ?? "")\r\n".utf8)
    }

    /// Sends `bytes` on a new connection and reads `answers` whole answers from it.
    static func rawExchange(port: Int, _ bytes: [UInt8], answers: Int) throws -> [[UInt8]] {
        let fd = try RawHTTPClient.connected(port: port)
        defer { close(fd) }
        return try exchange(on: fd, bytes, answers: answers)
    }

    /// Sends `bytes` on `fd` and reads `count` answers (each with a Content-Length).
    static func exchange(on fd: Int32, _ bytes: [UInt8], answers count: Int) throws -> [[UInt8]] {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw RawHTTPClient.Failure(description: "send failed") }
            sent += written
        }
        var received: [UInt8] = []
        var answers: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while answers.count < count {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8)) {
                let length = headerValue("content-length", in: Array(received[..<end.upperBound])).flatMap { Int($0) } ?? 0
                if received.count >= end.upperBound + length {
                    answers.append(Array(received[..<(end.upperBound + length)]))
                    received.removeFirst(end.upperBound + length)
                    continue
                }
            }
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard got > 0 else { throw RawHTTPClient.Failure(description: "connection ended after \(answers.count) of \(count) answers") }
            received += buffer[0..<got]
        }
        return answers
    }

    static func headerValue(_ name: String, in answer: [UInt8]) -> String? {
        let end = answer.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound ?? answer.endIndex
        for line in String(decoding: answer[..<end], as: UTF8.self).split(separator: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    /// The answer with its `Date` header's value blanked (the one part that may differ).
    static func withoutDate(_ answer: [UInt8]) -> [UInt8] {
        let text = String(decoding: answer, as: UTF8.self)
        return Array(text.replacingOccurrences(of: #"(?m)^(?i:date): [^\r]*"#, with: "Date: -", options: .regularExpression).utf8)
    }

    static func status(_ answer: [UInt8]) -> Int {
        let line = String(decoding: answer.prefix(32), as: UTF8.self).split(separator: " ")
        return line.count > 1 ? Int(line[1]) ?? 0 : 0
    }

    static func json(_ answer: [UInt8]) -> [String: Any]? {
        guard let end = answer.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(answer[end.upperBound...]))) as? [String: Any]
    }
}
