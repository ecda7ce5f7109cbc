import Foundation
@testable import PortraitAPI
import Testing

/// Issue 16: with an ``AccessLog`` writer (as `portrait serve` runs), the profile fast path and
/// the Hummingbird route write byte-identical access lines, in both formats, the duration and
/// request id aside.
extension APIServiceTests {
    @Test(arguments: [AccessLogFormat.text, .json])
    func fastPathWritesTheRoutesAccessLinesThroughTheWriter(_ format: AccessLogFormat) async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        let cases: [(String, String?)] = [
            ("/v1/profiles/42", env.reader), ("/v1/profiles/42?fields=tags", env.reader), ("/v1/profiles/nobody", env.reader),
            ("/v1/profiles/%ZZ", env.reader), ("/v1/profiles/42", nil), ("/v1/profiles/42?explain=buyer", env.reader),
        ]
        var logs: [[String]] = []
        var fastAnswers = 0
        for fastPath in [true, false] {
            let writer = AccessLogWriter()
            let counters = ServingCounters()
            try await Self.withWarmServer(env, fastPath: fastPath, counters: counters, configure: {
                $0.accessLog = AccessLog(level: .info, format: format, writer: writer)
            }) { port in
                for (path, auth) in cases { _ = try Self.rawExchange(port: port, Self.get(path, auth: auth), answers: 1) }
            }
            if fastPath { fastAnswers = counters.profileFastPathAnswers }
            let lines = String(decoding: writer.take().bytes, as: UTF8.self).split(separator: "\n").map { Self.masked(String($0)) }
            logs.append(lines.sorted())  // one buffer per thread: the order across threads is the writer's
        }
        #expect(fastAnswers == 5, "all but explain on the fast path")
        #expect(logs[0].count == cases.count + 1, "the warm-up read and each case")
        #expect(logs[0].allSatisfy { $0.contains("hb.request.id") }, "every line has its request id")
        #expect(logs[0] == logs[1], "fast path:\n\(logs[0].joined(separator: "\n"))\nroute:\n\(logs[1].joined(separator: "\n"))")
        let statuses = format == .text ? [#"status=200"#, #"status=404"#, #"status=400"#, #"status=401"#] : [#""status":"200""#, #""status":"401""#]
        for status in statuses { #expect(logs[0].contains { $0.contains(status) }, "\(status)") }
    }

    /// A line with its timestamp, request id and duration replaced by `*`, which differ per request.
    static func masked(_ line: String) -> String {
        var line = line
        let patterns = line.hasPrefix("{")
            ? [(#""hb\.request\.id":"[^"]*""#, #""hb.request.id":"*""#), (#""ms":"[^"]*""#, #""ms":"*""#), (#""ts":"[^"]*""#, #""ts":"*""#)]
            : [(#"^\S+ "#, "* "), (#"hb\.request\.id=\S+"#, "hb.request.id=*"), (#"ms=\S+"#, "ms=*")]
        for (pattern, replacement) in patterns {
            line = line.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return line
    }
}
