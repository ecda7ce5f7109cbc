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
        let answered = RecordedLogLines()  // what the client got, in the access log's shape
        let requests: @Sendable (any TestClientProtocol) async throws -> Void = { client in
            let invalid = #"{"name":"bad_tag","expression":"metric.x >"}"#
            let (created, _) = try await client.call(.post, "/v1/tags", auth: env.admin, body: invalid)
            #expect(created == .badRequest)
            // No backend behind this one: its 404 comes from the error mapping alone.
            let (missing, _) = try await client.call(.get, "/v1/nothing-here", auth: env.reader)
            #expect(missing == .notFound)
            answered.append(["route": "/v1/tags", "status": "\(created.code)"])
            answered.append(["route": "NotFound", "status": "\(missing.code)"])  // Hummingbird's name for no route
        }
        try await env.withClient(logger: logger, requests)
        func lineText(_ metadata: [String: String]) -> String { "\(metadata["route"] ?? "") \(metadata["status"] ?? "")" }
        let statuses = lines.requests.map(lineText)
        #expect(statuses == answered.requests.map(lineText), "one line per request, with the status the client got")
        #expect(statuses.contains("/v1/tags 400"), "\(statuses)")
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
