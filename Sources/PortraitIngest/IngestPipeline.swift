import Foundation
import Logging
import MySQL

/// The ingest loop: snapshot if there is no saved position → binlog from that position →
/// envelopes → sink; after each batch (at a commit boundary) the sink is flushed and only
/// then the position saved, so a crash loses nothing and repeats at most the last batch.
///
/// Blocking: run it on a thread of its own.
public struct IngestPipeline<Sink: ChangeSink> {
    public let configuration: IngestConfiguration
    public private(set) var sink: Sink
    private let logger: Logger
    private var schemas = SchemaTracker()
    private var routing: TableRouting
    private var encoder = EnvelopeEncoder()
    private var rowEncoder = RowEnvelopeEncoder()
    /// Columns from the source's information_schema, per `db.table`, for binlogs without
    /// column names; dropped when DDL on the table goes by, looked up again at its next TABLE_MAP.
    private var sourceDescriptions: [String: SourceTableCatalog.Description] = [:]
    /// Live counters and lag, for the executable's `/metrics`.
    public let statistics = IngestStatistics()
    /// The same figures through swift-metrics (`portrait_ingest_*`).
    private var metrics = IngestMetrics()
    /// Called with the replication session's connection id each time the stream (re)connects.
    public var readerStarted: (@Sendable (_ connectionId: UInt64) -> Void)?

    /// What one run did.
    public struct Summary: Sendable {
        public var snapshotRows = 0
        public var changes = 0
        public var events = 0
        /// Events skipped because they could not be decoded (`onUndecodableEvent = .skip`).
        public var skippedEvents = 0
        /// The last position saved (a commit boundary).
        public var position: BinlogPosition?
    }

    public init(configuration: IngestConfiguration, sink: Sink, logger: Logger = Logger(label: "portrait.ingest")) {
        self.configuration = configuration
        self.sink = sink
        self.logger = logger
        var routing = configuration.routing
        // The ingest's own bookkeeping must not feed back into the stream.
        routing.excludes.append("\(configuration.metadata.database ?? "portrait").cdc_*")
        self.routing = routing
    }

    /// Runs until the binlog end (`untilEnd`), a stop request, or an error.
    public mutating func run(stop: IngestStopSignal = IngestStopSignal()) throws -> Summary {
        // One pool for the bookkeeping: its statements are idempotent, so a connection broken by a
        // restart of the metadata server is replaced and the statement run again.
        let metadata = MySQLPool(adopting: try MySQLConnection(configuration: configuration.metadata))
        let store = PositionStore(pool: metadata, ingestName: configuration.ingestName)
        let history = SchemaHistoryStore(pool: metadata, ingestName: configuration.ingestName)
        var recordedSchemas: Set<String> = []
        for known in try history.latest() {
            recordedSchemas.insert("\(known.database).\(known.table)#\(known.version)")
            schemas.seed(database: known.database, table: known.table, schema: .init(version: known.version, columnNames: known.columnNames, primaryKey: []))
        }
        var summary = Summary()
        var startGTIDState: String?
        let start: BinlogStart
        if configuration.fromStart {
            start = .oldest
        } else if let saved = try loadPosition(store) {
            logger.info("resuming from the saved position", metadata: ["position": "\(saved)"])
            if configuration.resumeByGTID, let gtid = saved.gtidSet {
                start = .gtid(gtid)
            } else {
                start = .position(file: saved.file, offset: saved.offset)
            }
            startGTIDState = saved.gtidSet
        } else if configuration.snapshot {
            guard let position = try takeSnapshot(store: store, summary: &summary, stop: stop) else { return summary }
            start = .position(file: position.file, offset: position.offset)
            startGTIDState = position.gtidSet
        } else {
            start = .current
        }
        if stop.isRequested { return summary }
        let source = try MySQLConnection(configuration: configuration.source)
        let catalog = SourceTableCatalog(connection: source)
        let end = configuration.untilEnd ? try BinlogReader.currentPosition(source) : nil

        var pendingRows = 0
        var pendingPosition: BinlogPosition?
        var lastTimestamp: UInt32 = 0
        var lastFlush = ContinuousClock.now
        let batchInterval = Duration.milliseconds(configuration.batchMilliseconds)
        // Saving waits out an outage of the metadata server rather than ending the ingest.
        let outage = MetadataOutageWait(logger: logger, statistics: statistics, maxDelaySeconds: configuration.maxReconnectDelaySeconds)
        func commit(_ position: BinlogPosition) throws {
            try sink.flush()
            let timestamp = lastTimestamp == 0 ? nil : lastTimestamp
            try outage.run("saving the position", stop: stop) { try store.save(position, sourceServerId: nil, sourceTimestampSeconds: timestamp) }
            metrics.batches.increment()
            summary.position = position
            pendingRows = 0
            pendingPosition = nil
            lastFlush = ContinuousClock.now
        }
        var streamFrom = start
        var reconnectDelay = 0.2
        reading: while true {
            let readerConfiguration = BinlogReaderConfiguration(
                connection: configuration.source, serverId: configuration.serverId, start: streamFrom,
                stopAtEnd: configuration.untilEnd, heartbeatSeconds: configuration.heartbeatSeconds, startGTIDState: startGTIDState,
                rowValues: .bytes)
            let opened = Result { () throws(BinlogError) -> BinlogReader in try BinlogReader(configuration: readerConfiguration, logger: logger) }
            let reader: BinlogReader
            switch opened {
            case .success(let value):
                reader = value
            case .failure(let error):
                guard error.isConnectionLoss && !stop.isRequested else { throw error }
                try backOff(after: error, delay: &reconnectDelay, stop: stop)
                continue reading
            }
            logger.info("streaming the binlog", metadata: [
                "from": "\(reader.startPosition)", "until": "\(end.map { "\($0)" } ?? "stopped")", "connection": "\(reader.connectionId)",
            ])
            readerStarted?(reader.connectionId)
            do {
                while let record = try nextRecord(reader, summary: &summary) {
                    summary.events += 1
                    reconnectDelay = 0.2
                    switch record.event {
                    case .tableMap(let logged):
                        var map = logged
                        if !map.hasColumnNames && routing.includes(database: map.database, table: map.table) {
                            map = try describe(map, at: record.position, catalog: catalog, source: source)
                            reader.describe(map)
                        }
                        let schema = schemas.observe(map)
                        let versionKey = "\(map.database).\(map.table)#\(schema.version)"
                        if !recordedSchemas.contains(versionKey), routing.includes(database: map.database, table: map.table) {
                            recordedSchemas.insert(versionKey)
                            try outage.run("recording a table schema", stop: stop) {
                                try history.record(
                                    database: map.database, table: map.table, version: schema.version, map: map, columnNames: schema.columnNames,
                                    position: record.position, gtid: record.transactionGTID)
                            }
                        }
                    case .rows(let rows):
                        let written = try emit(rows, record: record)
                        pendingRows += written
                        summary.changes += written
                        statistics.recordChanges(written)
                    case .query(let database, let statement):
                        let changes = schemas.apply(statement: statement, defaultDatabase: database)
                        for change in changes {
                            sourceDescriptions = sourceDescriptions.filter { key, _ in
                                let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
                                return parts.count != 2 || !change.touches(database: parts[0], table: parts[1])
                            }
                        }
                        if !changes.isEmpty { logger.info("DDL", metadata: ["statement": "\(statement.prefix(200))", "position": "\(record.position)"]) }
                    default:
                        break
                    }
                    if record.header.timestamp != 0 { lastTimestamp = record.header.timestamp }
                    let isHeartbeat: Bool = if case .heartbeat = record.event { true } else { false }
                    let now = Int(Date().timeIntervalSince1970)
                    statistics.recordEvent(sourceTimestamp: record.header.timestamp, now: now, isHeartbeat: isHeartbeat)
                    metrics.recordLag(seconds: statistics.lagSeconds(now: now))
                    if record.isCommit {
                        pendingPosition = record.position
                        // Rows are flushed in batches; a position alone (other tables' traffic) is
                        // saved rarely, since saving it writes to the binlog too.
                        let elapsed = ContinuousClock.now - lastFlush
                        if pendingRows >= configuration.batchRows || (pendingRows > 0 && elapsed >= batchInterval) || elapsed >= .seconds(5) {
                            try commit(record.position)
                        }
                    } else if isHeartbeat, let pending = pendingPosition, pendingRows > 0 {
                        try commit(pending)
                    }
                    if let end, record.isCommit, record.position.isAtOrAfter(end) { break reading }
                    if stop.isRequested && (record.isCommit || isHeartbeat) { break reading }
                }
                break reading
            } catch let error as BinlogError where error.isConnectionLoss && !stop.isRequested {
                // Resume at the last commit boundary seen: rows of the interrupted transaction
                // already handed to the sink arrive again (at-least-once), none is lost.
                let resume = pendingPosition ?? summary.position ?? reader.startPosition
                streamFrom = .position(file: resume.file, offset: resume.offset)
                startGTIDState = resume.gtidSet
                try backOff(after: error, delay: &reconnectDelay, stop: stop)
            }
        }
        if let pending = pendingPosition { try commit(pending) } else { try sink.flush() }
        logger.info("ingest stopped", metadata: ["changes": "\(summary.changes)", "position": "\(summary.position.map { "\($0)" } ?? "-")"])
        return summary
    }

    /// Names the columns of a TABLE_MAP logged without them from the source's information_schema.
    /// information_schema shows the table as it is now; that is the table at `position` only
    /// if no DDL on it was logged after `position`, so the binlog up to its current end is
    /// checked for such DDL first (read after information_schema: DDL is logged before it
    /// releases the table's metadata lock, so what information_schema showed is in the binlog
    /// by then). Rows are never decoded against another version: if the table changed again,
    /// or the columns do not fit the TABLE_MAP's types, the ingest stops with `columnsUnknown`.
    private mutating func describe(_ map: TableMap, at position: BinlogPosition, catalog: SourceTableCatalog, source: MySQLConnection) throws -> TableMap {
        let name = map.qualifiedName
        if let known = sourceDescriptions[name], let described = map.described(by: known.columns, primaryKey: known.primaryKey) {
            return described
        }
        let description = try catalog.describe(database: map.database, table: map.table)
        let end = try BinlogReader.currentPosition(source)
        if let later = try catalog.firstDDL(on: map.database, table: map.table, after: position, before: end) {
            throw IngestError.columnsUnknown(table: name, position: position, reason: "the table was changed again at \(later), so information_schema shows a later version")
        }
        guard let described = map.described(by: description.columns, primaryKey: description.primaryKey) else {
            throw IngestError.columnsUnknown(table: name, position: position, reason: "information_schema's columns do not fit the TABLE_MAP's column types")
        }
        sourceDescriptions[name] = description
        logger.info("named columns from information_schema (the binlog has no column names)", metadata: ["table": "\(name)", "position": "\(position)"])
        return described
    }

    /// Waits before reconnecting (doubling up to `maxReconnectDelaySeconds`), waking early on stop.
    private func backOff(after error: BinlogError, delay: inout Double, stop: IngestStopSignal) throws {
        logger.warning("lost the binlog stream; reconnecting", metadata: ["error": "\(error)", "in_seconds": "\(delay)"])
        let deadline = Date().addingTimeInterval(delay)
        while Date() < deadline && !stop.isRequested { Thread.sleep(forTimeInterval: 0.05) }
        delay = min(delay * 2, configuration.maxReconnectDelaySeconds)
    }

    /// The next event, skipping undecodable ones when the policy says so.
    private func nextRecord(_ reader: BinlogReader, summary: inout Summary) throws -> BinlogEventRecord? {
        while true {
            let result = Result { () throws(BinlogError) -> BinlogEventRecord? in try reader.next() }
            guard case .failure(let failure) = result else { return try result.get() }
            guard case .decoding(let error, let type, let position) = failure else { throw failure }
            logger.error("undecodable binlog event", metadata: [
                "type": "\(type)", "position": "\(position)", "error": "\(error)", "policy": "\(configuration.onUndecodableEvent.rawValue)",
            ])
            guard configuration.onUndecodableEvent == .skip else { throw failure }
            summary.skippedEvents += 1
        }
    }

    /// Turns one rows event into envelopes for the sink; returns how many.
    private mutating func emit(_ rows: RowsEvent, record: BinlogEventRecord) throws -> Int {
        let table = rows.table
        guard routing.includes(database: table.database, table: table.table) else { return 0 }
        let schema = schemas.schema(database: table.database, table: table.table) ?? schemas.observe(table)
        let topic = routing.topic(database: table.database, table: table.table)
        let keyColumns = routing.keyColumns(database: table.database, table: table.table, columnNames: schema.columnNames, primaryKey: schema.primaryKey)
        let operation: ChangeEnvelope.Operation = switch rows.kind {
        case .insert: .create
        case .update: .update
        case .delete: .delete
        }
        let position = ChangeEnvelope.Position(file: record.position.file, offset: record.position.offset, gtid: record.transactionGTID)
        let keys = encoder.keys(database: table.database, table: table.table, version: schema.version, names: schema.columnNames)
        let timestampMs = Int64(record.header.timestamp) * 1000
        if let images = rows.images {
            // Column bytes straight to envelope bytes (the reader kept the row images).
            rowEncoder.begin(
                operation: operation, database: table.database, table: table.table, timestampMs: timestampMs, position: position, schemaVersion: schema.version,
                keys: keys, columnCount: images.columnCount)
            for row in 0..<images.count {
                let before = images.before(row), after = images.after(row)
                let encoded: (json: [UInt8], key: [UInt8]?)
                do {
                    encoded = try rowEncoder.encode(
                        before: before, after: after, row: UInt64(row), primaryKey: schema.primaryKey, nameCount: schema.columnNames.count, keyColumns: keyColumns)
                } catch {
                    throw BinlogError.decoding(error, eventType: record.header.type, position: record.position)
                }
                let envelope = ChangeEnvelope(
                    operation: operation, database: table.database, table: table.table, columnNames: schema.columnNames,
                    primaryKey: schema.primaryKey, before: before, after: after, timestampMs: timestampMs, position: position.row(row), schemaVersion: schema.version)
                try sink.write(envelope, json: encoded.json, topic: topic, key: encoded.key)
            }
            metrics.recordChanges(images.count, database: table.database, table: table.table)
            return images.count
        }
        for (row, change) in rows.rows.enumerated() {
            let envelope = ChangeEnvelope(
                operation: operation, database: table.database, table: table.table, columnNames: schema.columnNames,
                primaryKey: schema.primaryKey, before: change.before, after: change.after,
                timestampMs: timestampMs, position: position.row(row), schemaVersion: schema.version)
            try sink.write(envelope, json: encoder.encode(envelope, keys: keys), topic: topic, key: envelope.keyBytes(columns: keyColumns))
        }
        metrics.recordChanges(rows.rows.count, database: table.database, table: table.table)
        return rows.rows.count
    }

    private func loadPosition(_ store: PositionStore) throws -> BinlogPosition? {
        do {
            return try store.load()
        } catch let error as MySQLError {
            throw IngestError.metadataMissing(error)
        }
    }

    /// Reads every captured table in one consistent snapshot as `r` envelopes, flushing and
    /// recording each finished table, then saves the snapshot's binlog position as the place to
    /// stream from. Resumes an interrupted snapshot — finished tables skipped, a table read in
    /// part continued after its last acknowledged primary key — in a new transaction whose rows
    /// carry that transaction's position; streaming still starts at the first snapshot's
    /// position, so the changes made meanwhile are replayed. Returns `nil` when stopped midway.
    private mutating func takeSnapshot(store: PositionStore, summary: inout Summary, stop: IngestStopSignal) throws -> BinlogPosition? {
        let connection = try MySQLConnection(configuration: configuration.source)
        let progress = SnapshotProgressStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        let reader = SnapshotReader(connection: connection, routing: routing)
        let resumed = try progress.runningSnapshot()
        let finished = resumed == nil ? [] : try progress.finishedTables()
        let resumePoints = resumed == nil ? [:] : try progress.resumePoints()
        let tables = try reader.tables().filter { !finished.contains($0.database + "." + $0.table) }
        logger.info("snapshot started", metadata: [
            "tables": "\(tables.count)", "resumed": "\(resumed.map { "\($0)" } ?? "no")", "tables_resumed_by_key": "\(resumePoints.count)",
        ])
        // Streaming starts at the first snapshot's position; rows carry the position of the
        // transaction that read them (a later one when resumed) and their ordinal in it as `row`.
        var snapshotPosition = resumed ?? BinlogPosition(file: "", offset: 0)
        var readPosition = snapshotPosition
        var count = 0
        var sink = self.sink
        var encoder = self.encoder
        var metrics = self.metrics
        let history = SchemaHistoryStore(pool: store.pool, ingestName: configuration.ingestName)
        for table in tables where schemas.schema(database: table.database, table: table.table) == nil {
            schemas.seed(database: table.database, table: table.table, schema: .init(version: 1, columnNames: table.columnNames, primaryKey: table.primaryKey))
            try history.record(database: table.database, table: table.table, version: 1, map: nil, columnNames: table.columnNames, position: resumed, gtid: nil)
        }
        let batchRows = configuration.batchRows
        let routing = routing
        var versions: [String: Int] = [:]
        for table in tables { versions[table.database + "." + table.table] = schemas.schema(database: table.database, table: table.table)?.version }
        // The table being read, its last primary key written and its row count (earlier runs included).
        var current: (table: SnapshotReader.Table, key: SnapshotKey?, rows: Int)?
        func saveResumePoint() throws {
            guard let current, let key = current.key else { return }
            try progress.saveResumePoint(database: current.table.database, table: current.table.table, lastKey: key, rows: current.rows)
        }
        let position = try reader.read(tables, resumeAfter: resumePoints.mapValues(\.key), position: { position in
            readPosition = position
            if resumed == nil {
                snapshotPosition = position
                try progress.begin(at: position)
            }
        }, tableDone: { table, rows in
            try sink.flush()
            try progress.finishTable(database: table.database, table: table.table, rows: (current?.rows ?? rows))
            current = nil
        }) { table, values in
            let name = table.database + "." + table.table
            if current?.table != table { current = (table, nil, resumePoints[name]?.rows ?? 0) }
            let envelope = ChangeEnvelope(
                operation: .read, database: table.database, table: table.table, columnNames: table.columnNames,
                primaryKey: table.primaryKey, before: nil, after: values, timestampMs: Int64(Date().timeIntervalSince1970 * 1000),
                position: .init(file: readPosition.file, offset: readPosition.offset, row: UInt64(count), gtid: nil), schemaVersion: versions[name] ?? 1)
            let keyColumns = routing.keyColumns(database: table.database, table: table.table, columnNames: table.columnNames, primaryKey: table.primaryKey)
            let keys = encoder.keys(database: table.database, table: table.table, version: envelope.schemaVersion, names: table.columnNames)
            try sink.write(envelope, json: encoder.encode(envelope, keys: keys), topic: routing.topic(database: table.database, table: table.table), key: envelope.keyBytes(columns: keyColumns))
            count += 1
            current?.rows += 1
            if !table.primaryKey.isEmpty { current?.key = SnapshotKey(table.primaryKey.map { values[$0] }) }
            metrics.recordChanges(1, database: table.database, table: table.table)
            if count % batchRows == 0 {
                // Acknowledged, so a restart may continue after this key instead of at the table's start.
                try sink.flush()
                try saveResumePoint()
            }
            return !stop.isRequested
        }
        try sink.flush()
        if position == nil { try saveResumePoint() }
        self.sink = sink
        self.encoder = encoder
        self.metrics = metrics
        summary.snapshotRows = count
        guard position != nil else {
            logger.info("snapshot interrupted; the next run resumes it", metadata: ["rows": "\(count)"])
            return nil
        }
        try progress.finish()
        try store.save(snapshotPosition)
        logger.info("snapshot done", metadata: ["rows": "\(count)", "position": "\(snapshotPosition)"])
        return snapshotPosition
    }
}
