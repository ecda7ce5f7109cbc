/// Turns raw binlog events into `BinlogEventRecord`s: the state machine of a binlog stream
/// (current file and offset, checksum, post-header lengths, table maps, GTID state) with no
/// I/O, so it is tested on bytes alone. Parses every event from its raw bytes; Connector/C is
/// used only for the transport (its ROTATE and row parsing are wrong, see PLATFORM-FACTS).
public struct BinlogEventParser: Sendable {
    public private(set) var file: String
    public private(set) var offset: UInt64
    /// Whether events end in a 4-byte CRC32 (from `binlog_checksum`, then each FORMAT_DESCRIPTION).
    public private(set) var checksum: Bool
    private var postHeaderLengths: [UInt8] = []
    private var tableMaps: [UInt64: TableMap] = [:]
    private var gtidByDomain: [UInt32: String] = [:]
    private var transactionGTID: (domain: UInt32, text: String)?
    private var inTransaction = false
    private let collations: BinlogCollations
    private let rowValues: BinlogRowValues

    /// - Parameters:
    ///   - start: where the stream starts; its `gtidSet` seeds the GTID state.
    ///   - checksum: whether the source writes CRC32 checksums (`binlog_checksum` = CRC32).
    ///   - rowValues: whether rows events carry decoded values or their row images' bytes.
    public init(start: BinlogPosition, checksum: Bool, collations: BinlogCollations = .builtIn, rowValues: BinlogRowValues = .decoded) {
        self.rowValues = rowValues
        file = start.file
        offset = start.offset
        self.checksum = checksum
        self.collations = collations
        if let gtidSet = start.gtidSet { seedGTIDs(gtidSet) }
    }

    /// The committed GTID state, `nil` when no GTID was seen.
    public var gtidSet: String? {
        gtidByDomain.isEmpty ? nil : gtidByDomain.keys.sorted().compactMap { gtidByDomain[$0] }.joined(separator: ",")
    }

    public var position: BinlogPosition { BinlogPosition(file: file, offset: offset, gtidSet: gtidSet) }

    /// The table map for `tableId`, if one was seen.
    public func tableMap(id: UInt64) -> TableMap? { tableMaps[id] }

    /// Replaces the table map of `map.tableId` (e.g. with one named from `information_schema`
    /// when the source logs no column names): the rows events that follow decode against it.
    public mutating func describe(_ map: TableMap) { tableMaps[map.tableId] = map }

    /// Parses one event: `event` starts at the 19-byte header (no leading OK byte).
    public mutating func parse(_ event: UnsafeRawBufferPointer) throws(BinlogError) -> BinlogEventRecord {
        var type: UInt8 = 0
        do throws(BinlogDecodingError) {
            var cursor = ByteCursor(event)
            let header = BinlogEventHeader(
                timestamp: UInt32(try cursor.le(4)), type: try cursor.u8(), serverId: UInt32(try cursor.le(4)),
                length: UInt32(try cursor.le(4)), nextPosition: UInt32(try cursor.le(4)), flags: UInt16(try cursor.le(2)))
            type = header.type
            if header.type == 15 { updateFormat(event) }
            let bodyEnd = event.count - (checksum ? 4 : 0)
            guard bodyEnd >= 19 else { throw BinlogDecodingError.truncated(offset: 0, needed: 19, available: event.count) }
            let body = UnsafeRawBufferPointer(rebasing: event[19..<bodyEnd])
            if header.nextPosition != 0 && !header.isArtificial { offset = UInt64(header.nextPosition) }
            var isCommit = false
            let parsed: BinlogEvent
            switch header.type {
            case 4:  // ROTATE: 8-byte position, then the file name
                var body = ByteCursor(body)
                let position = try body.le(8)
                let name = try body.string(body.remaining)
                file = name
                offset = position
                parsed = .rotate(file: name, position: position)
            case 15:
                var body = ByteCursor(body)
                try body.skip(2)
                let version = try body.slice(50)
                parsed = .formatDescription(serverVersion: String(decoding: version.prefix { $0 != 0 }, as: UTF8.self))
            case 19:
                let map = try TableMap.parse(body: body, postHeaderLength: postHeaderLength(19, default: 8), collations: collations)
                tableMaps[map.tableId] = map
                parsed = .tableMap(map)
            case 23...25, 30...32, 166...171:
                let rowsHeader = try RowImageDecoder.header(eventType: header.type, body: body, postHeaderLength: postHeaderLength(header.type, default: 8))
                guard let map = tableMaps[rowsHeader.tableId] else { throw BinlogDecodingError.unknownTable(id: rowsHeader.tableId) }
                let postHeader = postHeaderLength(header.type, default: 8)
                parsed = .rows(rowValues == .decoded
                    ? try RowImageDecoder.decode(eventType: header.type, body: body, postHeaderLength: postHeader, table: map)
                    : try RowImageDecoder.locate(eventType: header.type, body: body, postHeaderLength: postHeader, table: map))
            case 2:
                let query = try parseQuery(body)
                parsed = query
                if case .query(_, let statement) = query {
                    let word = statement.prefix(8).uppercased()
                    if word.hasPrefix("BEGIN") || word.hasPrefix("XA START") {
                        inTransaction = true
                    } else if word.hasPrefix("COMMIT") || word.hasPrefix("ROLLBACK") || !inTransaction {
                        isCommit = true  // the end of a non-transactional group, or a DDL statement
                    }
                }
            case 16:
                var body = ByteCursor(body)
                parsed = .xid(try body.le(8))
                isCommit = true
            case 162:  // MariaDB GTID: sequence, domain, flags (bit 0 = standalone: no COMMIT follows)
                var body = ByteCursor(body)
                let sequence = try body.le(8)
                let domain = UInt32(try body.le(4))
                let flags = try body.u8()
                let text = "\(domain)-\(header.serverId)-\(sequence)"
                transactionGTID = (domain, text)
                inTransaction = flags & 1 == 0
                parsed = .gtid(text)
            case 33:  // MySQL GTID: flags, 16-byte server UUID, transaction number
                var body = ByteCursor(body)
                try body.skip(1)
                let uuid = try body.slice(16)
                let number = try body.le(8)
                let text = Self.uuidText(uuid) + ":\(number)"
                transactionGTID = (0, text)
                parsed = .gtid(text)
            case 163:  // MariaDB GTID_LIST: count (low 28 bits), then domain, server, sequence
                var body = ByteCursor(body)
                let count = Int(try body.le(4) & 0x0FFF_FFFF)
                var list: [String] = []
                for _ in 0..<count {
                    let domain = UInt32(try body.le(4))
                    let server = try body.le(4)
                    let sequence = try body.le(8)
                    let text = "\(domain)-\(server)-\(sequence)"
                    list.append(text)
                    if gtidByDomain[domain] == nil { gtidByDomain[domain] = text }
                }
                parsed = .gtidList(list.joined(separator: ","))
            case 27:
                parsed = .heartbeat
            default:
                parsed = .other(type: header.type)
            }
            let gtid = transactionGTID?.text
            if isCommit {
                if let current = transactionGTID { gtidByDomain[current.domain] = current.text }
                transactionGTID = nil
                inTransaction = false
            }
            return BinlogEventRecord(header: header, event: parsed, position: position, transactionGTID: gtid, isCommit: isCommit)
        } catch {
            throw .decoding(error, eventType: type, position: position)
        }
    }

    /// FORMAT_DESCRIPTION: binlog version (2), server version (50), timestamp (4), header
    /// length (1), one post-header length per event type, checksum algorithm (1), CRC (4).
    private mutating func updateFormat(_ event: UnsafeRawBufferPointer) {
        guard event.count >= 19 + 57 + 5 else { return }
        let algorithm = event[event.count - 5]
        checksum = algorithm == 1
        let end = event.count - (algorithm == 0 || algorithm == 1 ? 5 : 0)
        postHeaderLengths = Array(event[(19 + 57)..<end])
    }

    private func postHeaderLength(_ type: UInt8, default value: Int) -> Int {
        let index = Int(type) - 1
        return index >= 0 && index < postHeaderLengths.count ? Int(postHeaderLengths[index]) : value
    }

    /// QUERY: thread id (4), seconds (4), database length (1), error (2), status length (2),
    /// status variables, database name and a zero byte, then the statement.
    private func parseQuery(_ body: UnsafeRawBufferPointer) throws(BinlogDecodingError) -> BinlogEvent {
        var cursor = ByteCursor(body)
        try cursor.skip(8)
        let databaseLength = Int(try cursor.u8())
        try cursor.skip(2)
        let statusLength = Int(try cursor.le(2))
        try cursor.skip(max(0, postHeaderLength(2, default: 13) - 13))
        try cursor.skip(statusLength)
        let database = try cursor.string(databaseLength)
        try cursor.skip(1)
        return .query(database: database, statement: try cursor.string(cursor.remaining))
    }

    private mutating func seedGTIDs(_ gtidSet: String) {
        for part in gtidSet.split(separator: ",") {
            let trimmed = part.trimmingSpaces
            guard let domain = trimmed.split(separator: "-").first.flatMap({ UInt32($0) }) else { continue }
            gtidByDomain[domain] = String(trimmed)
        }
    }

    private static func uuidText(_ bytes: UnsafeRawBufferPointer) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)]); text.append(hex[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
