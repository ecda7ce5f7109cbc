internal import CMariaDB
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A replication client: registers as a replica with its own server id on a dedicated
/// connection and reads the binlog from a file position or a GTID state, yielding parsed
/// events with their positions.
///
/// `next()` blocks until an event arrives (heartbeats arrive every `heartbeatSeconds` on an
/// idle source), so run the reader on a thread of its own, never on the cooperative pool.
/// One caller at a time: the reader is not `Sendable`.
public final class BinlogReader {
    public let configuration: BinlogReaderConfiguration
    /// The position the stream started at (resolved from `.current`/`.oldest`).
    public let startPosition: BinlogPosition
    /// The server's id for the replication session (`KILL` it to test reconnects).
    public let connectionId: UInt64
    private let connection: MySQLConnection
    private let rpl: UnsafeMutablePointer<MARIADB_RPL>
    private var parser: BinlogEventParser
    private var finished = false
    private let logger: Logger

    public init(configuration: BinlogReaderConfiguration, logger: Logger = Logger(label: "portrait.binlog")) throws(BinlogError) {
        self.configuration = configuration
        self.logger = logger
        do {
            connection = try MySQLConnection(configuration: configuration.connection)
        } catch {
            throw .connection(error)
        }
        let checksumName: String
        let start: BinlogPosition
        let collations: BinlogCollations
        do {
            try BinlogReader.checkSource(connection)
            checksumName = try connection.query("SELECT @@global.binlog_checksum AS c").first.flatMap { $0["c"].flatMap(String.init(mysqlValue:)) } ?? "NONE"
            var resolved = try BinlogReader.resolve(configuration.start, connection)
            if resolved.gtidSet == nil { resolved.gtidSet = configuration.startGTIDState }
            start = resolved
            connectionId = try connection.query("SELECT CONNECTION_ID() AS id").first.flatMap { $0["id"].flatMap(UInt64.init(mysqlValue:)) } ?? 0
            collations = try BinlogReader.loadCollations(connection)
            // Tell the source what this replica understands: its checksum, MariaDB GTID events
            // (capability 4; otherwise they arrive rewritten as BEGIN), and the heartbeat period.
            let heartbeatNanoseconds = UInt64(max(0.001, configuration.heartbeatSeconds) * 1e9)
            try connection.executeText(
                "SET @master_binlog_checksum = @@global.binlog_checksum, @mariadb_slave_capability = 4, @master_heartbeat_period = \(heartbeatNanoseconds)")
            if case .gtid(let state) = configuration.start {
                try connection.executeText("SET @slave_connect_state = '\(state)'")
            }
        } catch let error as BinlogError {
            throw error
        } catch let error as MySQLError {
            throw .connection(error)
        } catch {
            throw .unsuitableSource("\(error)")
        }
        startPosition = start
        parser = BinlogEventParser(start: start, checksum: checksumName.uppercased() != "NONE", collations: collations, rowValues: configuration.rowValues)
        let handle: OpenedStream
        do {
            handle = try Self.openStream(connection, configuration: configuration, start: start)
        } catch {
            throw .connection(error)
        }
        rpl = handle.pointer
        // Every stored property is set here, so throwing runs deinit, which closes `rpl`.
        if let failure = handle.failure { throw failure }
        logger.debug("binlog stream open", metadata: ["start": "\(start)", "server_id": "\(configuration.serverId)", "connection": "\(connectionId)"])
    }

    deinit {
        _ = try? connection.withHandle { (_) throws(MySQLError) -> Bool in
            mariadb_rpl_close(rpl)
            return true
        }
    }

    /// The position after the last event returned (file, end offset, committed GTID state).
    public var position: BinlogPosition { parser.position }

    /// Decodes the rows events that follow with `map` instead of the TABLE_MAP as logged
    /// (see `TableMap.described(by:primaryKey:)`).
    public func describe(_ map: TableMap) { parser.describe(map) }

    /// The next event; `nil` when `stopAtEnd` is set and the stream reached the binlog's end.
    public func next() throws(BinlogError) -> BinlogEventRecord? {
        guard !finished else { return nil }
        let rpl = rpl
        // The event is parsed (and everything it needs copied) before it is freed.
        let outcome: FetchOutcome
        do {
            outcome = try connection.withHandle { (mysql) throws(MySQLError) -> FetchOutcome in
                guard let event = mariadb_rpl_fetch(rpl, nil) else {
                    let code = mysql_errno(mysql)
                    return code == 0 ? .end : .failed(Int(code), String(cString: mysql_error(mysql)))
                }
                return .event(UnsafeSendablePointer(event))
            }
        } catch {
            throw .connection(error)
        }
        switch outcome {
        case .end:
            finished = true
            return nil
        case .failed(let code, let message):
            finished = true
            throw .replication(code: code, message: message)
        case .event(let box):
            let event = box.pointer
            defer { mariadb_free_rpl_event(event) }
            let raw = UnsafeRawBufferPointer(start: event.pointee.raw_data, count: event.pointee.raw_data_size)
            // raw_data starts with the packet's OK byte before the 19-byte header.
            let skip = max(0, raw.count - Int(event.pointee.event_length))
            return try parser.parse(UnsafeRawBufferPointer(rebasing: raw[skip...]))
        }
    }

    /// Checks `binlog_format`, `binlog_row_image` and `binlog_row_metadata` on `connection`.
    public static func checkSource(_ connection: MySQLConnection) throws(BinlogError) {
        var variables: [String: String] = [:]
        do {
            for name in BinlogSourceRequirements.variableNames {
                if let value = try connection.variable(name) { variables[name] = value }
            }
        } catch {
            throw .connection(error)
        }
        try BinlogSourceRequirements.check(variables)
    }

    /// The end of the binlog now, with the GTID state when the server has one.
    public static func currentPosition(_ connection: MySQLConnection) throws(MySQLError) -> BinlogPosition {
        guard let row = try connection.query("SHOW MASTER STATUS").first,
              let file = row["File"].flatMap(String.init(mysqlValue:)),
              let offset = row["Position"].flatMap(UInt64.init(mysqlValue:))
        else { throw .server(code: 0, sqlState: "", message: "SHOW MASTER STATUS returned nothing: binary logging is off") }
        let gtid = (try? connection.query("SELECT @@global.gtid_binlog_pos AS g").first?["g"]).flatMap { $0.flatMap(String.init(mysqlValue:)) }
        return BinlogPosition(file: file, offset: offset, gtidSet: gtid?.isEmpty == false ? gtid : nil)
    }

    private static func resolve(_ start: BinlogStart, _ connection: MySQLConnection) throws -> BinlogPosition {
        switch start {
        case .current:
            return try currentPosition(connection)
        case .oldest:
            guard let first = try connection.query("SHOW BINARY LOGS").first, let file = first.values.first.flatMap(String.init(mysqlValue:)) else {
                throw BinlogError.invalidStart("the server lists no binary logs")
            }
            return BinlogPosition(file: file, offset: 4)
        case .position(let file, let offset):
            guard !file.isEmpty, offset >= 4 else { throw BinlogError.invalidStart("\(file):\(offset) is not a binlog position") }
            return BinlogPosition(file: file, offset: offset)
        case .gtid(let state):
            // The state goes into SQL text (a user variable cannot be prepared): allow only GTID characters.
            guard !state.isEmpty, state.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "," || $0 == " " }) else {
                throw BinlogError.invalidStart("'\(state)' is not a MariaDB GTID state (domain-server-seq,…)")
            }
            return BinlogPosition(file: "", offset: 4, gtidSet: state)
        }
    }

    private static func loadCollations(_ connection: MySQLConnection) throws(MySQLError) -> BinlogCollations {
        var table: [Int: String] = [:]
        for row in try connection.query("SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS") {
            if let id = row["ID"].flatMap(Int.init(mysqlValue:)), let name = row["CHARACTER_SET_NAME"].flatMap(String.init(mysqlValue:)) {
                table[id] = name
            }
        }
        return table.isEmpty ? .builtIn : BinlogCollations(charsetByCollation: table)
    }

    private struct OpenedStream {
        let pointer: UnsafeMutablePointer<MARIADB_RPL>
        let failure: BinlogError?
    }

    private static func openStream(_ connection: MySQLConnection, configuration: BinlogReaderConfiguration, start: BinlogPosition) throws(MySQLError) -> OpenedStream {
        let result: OpenedStreamBox = try connection.withHandle { (mysql) throws(MySQLError) -> OpenedStreamBox in
            guard let rpl = mariadb_rpl_init_ex(mysql, UInt32(MARIADB_RPL_VERSION)) else {
                return OpenedStreamBox(pointer: nil, failure: .replication(code: Int(mysql_errno(mysql)), message: String(cString: mysql_error(mysql))))
            }
            // mariadb_rpl_optionsv is variadic, so the options are set on the struct; the
            // library frees `filename` with free() in mariadb_rpl_close.
            rpl.pointee.server_id = configuration.serverId
            rpl.pointee.start_position = UInt(start.offset)
            rpl.pointee.flags = configuration.stopAtEnd ? UInt16(MARIADB_RPL_BINLOG_DUMP_NON_BLOCK) : 0
            if !start.file.isEmpty {
                rpl.pointee.filename = strdup(start.file)
                rpl.pointee.filename_length = UInt32(start.file.utf8.count)
            }
            if mariadb_rpl_open(rpl) != 0 {
                let code = mysql_errno(mysql) != 0 ? Int(mysql_errno(mysql)) : Int(rpl.pointee.error_no)
                let message = mysql_errno(mysql) != 0 ? String(cString: mysql_error(mysql)) : "mariadb_rpl_open failed"
                return OpenedStreamBox(pointer: UnsafeSendablePointer(rpl), failure: .replication(code: code, message: message))
            }
            return OpenedStreamBox(pointer: UnsafeSendablePointer(rpl), failure: nil)
        }
        guard let pointer = result.pointer?.pointer else {
            throw .server(code: 0, sqlState: "", message: result.failure?.description ?? "mariadb_rpl_init_ex failed")
        }
        return OpenedStream(pointer: pointer, failure: result.failure)
    }
}

/// What one fetch produced, carried out of the connection's lock.
private enum FetchOutcome: Sendable {
    case event(UnsafeSendablePointer<MARIADB_RPL_EVENT>)
    case end
    case failed(Int, String)
}

private struct OpenedStreamBox: Sendable {
    let pointer: UnsafeSendablePointer<MARIADB_RPL>?
    let failure: BinlogError?
}
