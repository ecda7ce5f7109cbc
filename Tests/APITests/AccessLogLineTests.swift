import Foundation
import Logging
@testable import PortraitAPI
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 16: the access log line built as bytes must read exactly as the `Logger` line it
/// replaces, in both log formats, and the writer must drop (and count) rather than grow.
@Suite struct AccessLogLineTests {
    private static let label = Array("portrait.api".utf8)

    private static func line(_ fields: AccessLogFields, _ format: AccessLogFormat) -> String {
        var clock = AccessLogClock()
        var bytes: [UInt8] = []
        AccessLogLine.append(fields, format: format, level: .info, label: label, clock: &clock, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `ms` value as the `Logger` lines wrote it.
    private static func loggerMilliseconds(_ milliseconds: Double) -> String { "\((milliseconds * 100).rounded() / 100)" }

    @Test func millisecondsReadAsTheRoundedDoublesDescription() {
        var values: [Double] = [0, 0.001, 0.004, 0.005, 0.0149, 0.1, 0.25, 0.999, 0.995, 1, 1.5, 10.01, 123.456, 99_999.999, 1e9 + 0.07]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { values.append(Double.random(in: 0..<5_000, using: &generator)) }
        for _ in 0..<200 { values.append(Double(Int.random(in: 0..<1_000_000, using: &generator)) / 1e6) }
        for value in values {
            var bytes: [UInt8] = []
            AccessLogLine.appendMilliseconds(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == Self.loggerMilliseconds(value), "\(value)")
        }
    }

    @Test(arguments: [
        AccessLogFields(requestId: "5f0e9b2c7a1d4e3f0000000000000a2b", method: "GET", route: "/v1/profiles/{userId}", status: 200, milliseconds: 0.4321),
        AccessLogFields(requestId: nil, method: "POST", route: "/v1/profiles:batchGet", status: 413, milliseconds: 12),
        AccessLogFields(requestId: "x", method: "DELETE", route: "unmatched", status: 404, milliseconds: 0.004),
        AccessLogFields(requestId: "q\"uote\\back\tslash\u{1}é", method: "GET", route: "/a/{b}", status: 503, milliseconds: 10_000.5),
    ])
    func jsonLineIsJSONSerializationsSortedObject(_ fields: AccessLogFields) throws {
        // What JSONLogHandler writes for the Logger line with these metadata.
        var object = ["level": "info", "logger": "portrait.api", "message": "request", "method": fields.method, "route": fields.route,
                      "status": "\(fields.status)", "ms": Self.loggerMilliseconds(fields.milliseconds)]
        if let id = fields.requestId { object["hb.request.id"] = id }
        for _ in 0..<3 {  // retried only if the second turned between the two timestamps
            object["ts"] = ISO8601DateFormatter().string(from: Date())
            let expected = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
            let written = Self.line(fields, .json)
            if written == expected { return }
            if !written.hasSuffix(#""ts":""# + object["ts"]! + "\"}\n") { continue }
            #expect(written == expected)
            return
        }
        Issue.record("the timestamps never agreed")
    }

    @Test func textLineIsStreamLogHandlersLine() throws {
        let id = "test-\(UInt64.random(in: 1...UInt64.max))"
        let fields = AccessLogFields(requestId: id, method: "GET", route: "/v1/profiles/{userId}", status: 404, milliseconds: 1.2345)
        for _ in 0..<3 {
            let captured = try Self.capturingStandardError {
                var logger = Logger(label: "portrait.api") { label in StreamLogHandler.standardError(label: label) }
                logger[metadataKey: "hb.request.id"] = .string(id)
                logger.log(level: .info, "request", metadata: [
                    "method": "GET", "route": "/v1/profiles/{userId}", "status": "404", "ms": "\(Self.loggerMilliseconds(1.2345))",
                ], source: "PortraitAPI")
            }
            let written = Self.line(fields, .text)
            let theirs = try #require(captured.split(separator: "\n").first { $0.contains(id) }).appending("\n")
            if theirs == written { return }
            if theirs.split(separator: " ").first != written.split(separator: " ").first { continue }  // another second
            #expect(written == theirs)
            return
        }
        Issue.record("the timestamps never agreed")
    }

    /// What the process wrote to stderr while `body` ran (other tests' lines included).
    private static func capturingStandardError(_ body: () -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-log-\(UUID().uuidString)").path
        let file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        try #require(file >= 0)
        defer { close(file); unlink(path) }
        fflush(nil)  // every stream, stderr included
        let saved = dup(2)
        dup2(file, 2)
        body()
        fflush(nil)  // every stream, stderr included
        dup2(saved, 2)
        close(saved)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func writerKeepsEachThreadsLinesInOrderAndDropsPastItsLimit() async throws {
        let writer = AccessLogWriter(bufferLimit: 1_000)
        let log = AccessLog(level: .notice, format: .text, writer: writer)
        func record(_ index: Int) {
            log.record(AccessLogFields(requestId: "id\(index)", method: "GET", route: "/r", status: 200, milliseconds: 1))
        }
        for index in 0..<5 { record(index) }
        let first = writer.take()
        let lines = String(decoding: first.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.map { $0.contains("hb.request.id=id") && $0.contains(" notice portrait.api: ") }.allSatisfy { $0 })
        #expect(lines.compactMap { $0.split(separator: " ").first { $0.hasPrefix("hb.request.id=") } }.map(String.init) == (0..<5).map { "hb.request.id=id\($0)" })
        #expect(first.dropped == 0)
        // ~100 bytes a line: the buffer takes ~10 before it drops, and takes lines again once emptied.
        for index in 0..<50 { record(index) }
        let second = writer.take()
        let kept = String(decoding: second.bytes, as: UTF8.self).split(separator: "\n").count
        #expect(kept > 0 && kept < 50)
        #expect(second.dropped == 50 - kept)
        #expect(writer.droppedLines == 50 - kept)
        record(0)
        #expect(String(decoding: writer.take().bytes, as: UTF8.self).split(separator: "\n").count == 1)
        // Lines from other threads land in their own buffers; none is lost.
        let shared = AccessLog(level: .info, format: .text, writer: AccessLogWriter())
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for index in 0..<50 { shared.record(AccessLogFields(requestId: "t\(task)-\(index)", method: "GET", route: "/r", status: 200, milliseconds: 1)) }
                }
            }
        }
        let all = shared.writer.take()
        #expect(String(decoding: all.bytes, as: UTF8.self).split(separator: "\n").count == 200)
        #expect(all.dropped == 0)
    }

    @Test func writerThreadWritesTheLinesToItsFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("access-log-\(UUID().uuidString)").path
        let file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        try #require(file >= 0)
        defer { unlink(path) }  // the file stays open: the writer thread runs for the process's life
        let writer = AccessLogWriter()
        writer.start(fileDescriptor: file) { _ in }
        let log = AccessLog(level: .info, format: .json, writer: writer)
        for index in 0..<3 { log.record(AccessLogFields(requestId: "w\(index)", method: "GET", route: "/r", status: 200, milliseconds: 2)) }
        var text = ""
        for _ in 0..<400 where text.split(separator: "\n").count < 3 {
            usleep(5_000)
            text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["route"] == "/r" && object?["status"] == "200" && object?["ms"] == "2.0", "\(line)")
        }
    }
}
