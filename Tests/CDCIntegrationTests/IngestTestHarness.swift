import Foundation
import Logging
import MySQL
import PortraitIngest

/// Runs the ingest pipeline into a JSON-lines file and reads the envelopes back.
struct IngestTestHarness {
    let name: String
    let database: String
    let output: URL
    let configuration: IngestConfiguration

    /// An ingest named `portrait_test_cdc_<name>` capturing only `database`, with no saved position.
    init(name: String, database: String, snapshot: Bool = false, batchRows: Int = 10_000, resumeByGTID: Bool = false) throws {
        self.name = name
        self.database = database
        output = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-cdc-\(name)-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_\(name)", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: true, snapshot: snapshot, batchRows: batchRows, resumeByGTID: resumeByGTID)
        try store.reset()
        let metadata = try MySQLConnection(configuration: configuration.metadata)
        try SnapshotProgressStore(connection: metadata, ingestName: configuration.ingestName).reset()
        try SchemaHistoryStore(connection: metadata, ingestName: configuration.ingestName).reset()
    }

    var store: PositionStore {
        get throws { PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName) }
    }

    /// Saves the binlog end now as the ingest's position: streaming starts here.
    func startFromCurrentPosition() throws {
        try store.save(CDCTestServices.currentPosition())
    }

    /// One run until the binlog end (or until `stopAfter` envelopes); returns what it wrote.
    @discardableResult
    func run(stopAfter: Int? = nil) throws -> [[String: Any]] {
        let handle = try FileHandle(forWritingTo: output)
        _ = try handle.seekToEnd()
        defer { try? handle.close() }
        let before = try envelopes().count
        let stop = IngestStopSignal()
        var pipeline = IngestPipeline(
            configuration: configuration, sink: StoppingSink(inner: JSONLinesChangeSink(handle: handle), stop: stop, after: stopAfter),
            logger: Logger(label: "test.ingest"))
        _ = try pipeline.run(stop: stop)
        return Array(try envelopes().dropFirst(before))
    }

    /// Every envelope written so far, parsed.
    func envelopes() throws -> [[String: Any]] {
        let text = try String(contentsOf: output, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// Applies envelopes in order, keyed by their `pk` object: the table as the stream says it is.
    static func replay(_ envelopes: [[String: Any]]) -> [String: [String: Any]] {
        var table: [String: [String: Any]] = [:]
        for envelope in envelopes {
            let key = "\((envelope["pk"] as? [String: Any])?.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } ?? [])"
            if envelope["op"] as? String == "d" { table.removeValue(forKey: key) } else { table[key] = envelope["after"] as? [String: Any] }
        }
        return table
    }

    /// The rows of `sql` as envelopes would carry them (`after` objects, parsed back from JSON).
    static func expectedRows(_ db: MySQLConnection, _ sql: String) throws -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for row in try db.query(sql) {
            let envelope = ChangeEnvelope(
                operation: .read, database: "", table: "", columnNames: row.columns.names, primaryKey: [0], before: nil, after: row.values,
                timestampMs: 0, position: .init(file: "", offset: 0, gtid: nil), schemaVersion: 1)
            let parsed = try JSONSerialization.jsonObject(with: Data(envelope.jsonBytes())) as? [String: Any] ?? [:]
            let key = "\((parsed["pk"] as? [String: Any])?.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } ?? [])"
            result[key] = parsed["after"] as? [String: Any]
        }
        return result
    }
}

/// A JSON-lines sink that asks the pipeline to stop after `after` envelopes (a "crash" point).
struct StoppingSink: ChangeSink {
    var inner: JSONLinesChangeSink
    let stop: IngestStopSignal
    let after: Int?
    var written = 0

    mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
        try inner.write(envelope, json: json, topic: topic, key: key)
        written += 1
        if let after, written >= after { stop.requestStop() }
    }

    mutating func flush() throws { try inner.flush() }
}
