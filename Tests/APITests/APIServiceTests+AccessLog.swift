import HummingbirdTesting
import Logging
import Synchronization
import Testing

extension APIServiceTests {
    /// The access log records the status the client got: a client mistake mapped to 400 by the
    /// error middleware must not be logged (or counted) as a 500.
    @Test func theAccessLogRecordsTheStatusTheClientGot() async throws {
        let env = try APITestEnvironment()
        let lines = RecordedLogLines()
        let logger = Logger(label: "portrait.api") { _ in RecordingLogHandler(lines: lines) }
        let requests: @Sendable (any TestClientProtocol) async throws -> Void = { client in
            let invalid = #"{"name":"bad_tag","expression":"metric.x >"}"#
            let (created, _) = try await client.call(.post, "/v1/tags", auth: env.admin, body: invalid)
            #expect(created == .badRequest)
            let (shown, _) = try await client.call(.get, "/v1/tags/no_such_tag", auth: env.reader)
            #expect(shown == .notFound)
        }
        try await env.withClient(logger: logger, requests)
        let statuses = lines.requests.map { "\($0["route"] ?? "") \($0["status"] ?? "")" }
        #expect(statuses.contains("/v1/tags 400"), "\(statuses)")
        #expect(statuses.contains("/v1/tags/{name} 404"), "\(statuses)")
        #expect(!statuses.contains { $0.hasSuffix(" 500") }, "\(statuses)")
    }
}

/// The metadata of every "request" line a logger wrote.
final class RecordedLogLines: Sendable {
    private let lines = Mutex<[[String: String]]>([])
    var requests: [[String: String]] { lines.withLock { $0 } }
    func append(_ metadata: [String: String]) { lines.withLock { $0.append(metadata) } }
}

struct RecordingLogHandler: LogHandler {
    let lines: RecordedLogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.message.description == "request" else { return }
        lines.append((event.metadata ?? [:]).mapValues { "\($0)" })
    }
}
