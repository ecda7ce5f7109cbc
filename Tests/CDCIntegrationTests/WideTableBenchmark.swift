import Foundation
import Kafka
import Logging
import MySQL
import PortraitIngest
import Testing

/// The ingest on a wide table holding every MySQL column type (issue 18): inserts, updates
/// with before and after images, deletes and an ALTER half-way. Runs only when
/// PORTRAIT_CDC_BENCH_WIDE_ROWS is set (the insert count of the first phase; 60000 gives
/// 156,000 changes); build with `-c release`:
///
///     PORTRAIT_CDC_BENCH_WIDE_ROWS=60000 PORTRAIT_CDC_BENCH_RANGE=/tmp/cdc-wide-range.json \
///         swift test -c release --filter WideTableBenchmark
///     python3 scripts/bench-python-binlog.py /tmp/cdc-wide-range.json
///
/// Prints the reader's rate, the pipeline's into JSON lines on /dev/null and into the mock
/// Kafka cluster (idempotent, keyed), each run PORTRAIT_CDC_BENCH_REPEAT times (default 3).
@Suite("Wide all-types table (benchmark)", .serialized)
struct WideTableBenchmark {
    static let rowCount = Int(ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_WIDE_ROWS"] ?? "") ?? 0
    static let repeats = max(1, Int(ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_REPEAT"] ?? "") ?? 3)

    /// 30 columns: every integer width, FLOAT, DOUBLE, two DECIMALs, BINARY, VARBINARY, BLOB,
    /// utf8mb4 and latin1 text side by side, JSON, every temporal type, BIT, SET and ENUM.
    static let createTable = """
        CREATE TABLE w (id INT PRIMARY KEY, big BIGINT UNSIGNED, small SMALLINT, med MEDIUMINT, tiny TINYINT, f FLOAT, d DOUBLE,
          price DECIMAL(12,2), wide DECIMAL(65,30), bin BINARY(16), vbin VARBINARY(64), blb BLOB,
          name VARCHAR(64) CHARACTER SET utf8mb4, name_latin VARCHAR(64) CHARACTER SET latin1, note TEXT CHARACTER SET utf8mb4,
          note_latin TEXT CHARACTER SET latin1, code CHAR(8) CHARACTER SET latin1, doc JSON, day DATE, clock TIME(3),
          moment DATETIME(6), stamp TIMESTAMP(3) NULL, yr YEAR, bits BIT(12), tags SET('a','b','c','d'),
          status ENUM('new','paid','shipped','void'), email VARCHAR(128), score INT UNSIGNED, maybe VARCHAR(32) NULL, flag BOOLEAN)
        """

    /// The values of row `seq` (a column of the sequence table) in column order.
    static let rowValues = """
        seq, seq * 7919, CAST(seq % 30000 AS SIGNED) - 15000, CAST(seq % 8000000 AS SIGNED) - 4000000, CAST(seq % 256 AS SIGNED) - 128, seq / 7, seq * 1.5,
        seq / 100, CONCAT(seq, '.', LPAD(seq % 1000, 30, '0')), UNHEX(MD5(seq)), LEFT(UNHEX(SHA2(seq, 256)), seq % 33), REPEAT(UNHEX(MD5(seq)), seq % 5),
        CONCAT('user ', seq, IF(seq % 5 = 0, ' "quoted" \\\\ back\\nline\\t', '')), CONCAT('café ñ ', seq), REPEAT('ü€😀 ', seq % 20),
        CONCAT('Straße Ø ', seq), CONCAT('c', seq % 1000), JSON_OBJECT('id', seq, 'name', CONCAT('u', seq), 'tags', JSON_ARRAY('x', 'y')),
        '2000-01-01' + INTERVAL (seq % 10000) DAY, SEC_TO_TIME(CAST(seq % 300000 AS SIGNED) - 150000) + INTERVAL 0.123 SECOND,
        TIMESTAMP('2026-01-01 00:00:00.123456') - INTERVAL seq SECOND, TIMESTAMP('2026-01-01 00:00:00.5') + INTERVAL seq SECOND,
        1901 + seq % 200, seq % 4096, ELT(1 + seq % 4, 'a', 'a,b', 'c,d', ''), ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'void'),
        CONCAT('u', seq, '@example.com'), seq % 100000, IF(seq % 3 = 0, NULL, CONCAT('m', seq)), seq % 2
        """

    @Test(.enabled(if: rowCount > 0)) func ingestTheWideTable() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("wide")
        try db.executeText(Self.createTable)
        let start = try CDCTestServices.currentPosition()
        let changes = try Self.writeChanges(db, rows: Self.rowCount)
        let end = try CDCTestServices.currentPosition()
        if let rangeFile = ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_RANGE"] {
            let range: [String: Any] = [
                "database": database, "table": "w", "rows": changes,
                "start": ["file": start.file, "offset": start.offset], "end": ["file": end.file, "offset": end.offset],
            ]
            try JSONSerialization.data(withJSONObject: range, options: [.sortedKeys]).write(to: URL(fileURLWithPath: rangeFile))
        }
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        func report(_ label: String, _ rates: [Double]) {
            let median = rates.sorted()[rates.count / 2]
            print(String(format: "BENCH wide %@: median %.0f rows/s of %@", label, median, rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        }

        var readerRates: [Double] = []
        for _ in 0..<Self.repeats {
            var rows = 0
            let time = try clock.measure {
                let reader = try BinlogReader(configuration: BinlogReaderConfiguration(
                    connection: try CDCTestServices.configuration, serverId: CDCTestServices.nextServerId(),
                    start: .position(file: start.file, offset: start.offset), stopAtEnd: true))
                while let record = try reader.next() {
                    if case .rows(let event) = record.event, event.table.database == database { rows += event.rows.count }
                }
            }
            #expect(rows == changes)
            readerRates.append(Double(rows) / seconds(time))
        }
        report("reader+decode", readerRates)

        var pipelineRates: [Double] = []
        for run in 0..<Self.repeats {
            let configuration = try Self.configuration(database: database, name: "portrait_test_cdc_wide_lines_\(run)", start: start)
            var written = 0
            let time = try clock.measure {
                var pipeline = IngestPipeline(configuration: configuration, sink: JSONLinesChangeSink(handle: FileHandle.nullDevice), logger: Logger(label: "bench"))
                written = try pipeline.run().changes
            }
            #expect(written == changes)
            pipelineRates.append(Double(written) / seconds(time))
        }
        report("pipeline to JSON lines", pipelineRates)

        var kafkaRates: [Double] = []
        for run in 0..<Self.repeats {
            // The mock keeps about 5 MB per partition; enough partitions that none drops a batch.
            let cluster = try KafkaMockCluster(brokers: 3)
            try cluster.createTopic("portrait.cdc.\(database).w", partitions: 64)
            let configuration = try Self.configuration(database: database, name: "portrait_test_cdc_wide_kafka_\(run)", start: start)
            var written = 0
            let time = try clock.measure {
                var pipeline = IngestPipeline(
                    configuration: configuration, sink: try KafkaChangeSink(bootstrapServers: cluster.bootstrapServers), logger: Logger(label: "bench"))
                written = try pipeline.run().changes
            }
            #expect(written == changes)
            kafkaRates.append(Double(written) / seconds(time))
        }
        report("pipeline into the mock Kafka", kafkaRates)
    }

    /// Inserts `rows`, updates two thirds of them, adds a column, inserts two thirds as many
    /// again and deletes four fifteenths: 156,000 changes for 60,000 rows. Returns the count.
    static func writeChanges(_ db: MySQLConnection, rows: Int) throws -> Int {
        var changes = 0
        func insert(from first: Int, count: Int) throws {
            var done = 0
            while done < count {
                let chunk = min(20_000, count - done)
                try db.executeText("INSERT INTO w SELECT \(rowValues)\(changes > rows ? ", CONCAT('x', seq)" : "") FROM seq_\(first + done)_to_\(first + done + chunk - 1)")
                done += chunk
            }
            changes += count
        }
        try insert(from: 1, count: rows)
        let updated = rows * 2 / 3
        try db.executeText("""
            UPDATE w SET price = price + 1, note = CONCAT(note, ' ✓'), moment = moment + INTERVAL 1 SECOND,
              tags = 'b,d', bits = bits ^ 5, maybe = NULL WHERE id <= \(updated)
            """)
        changes += updated
        try db.executeText("ALTER TABLE w ADD COLUMN extra VARCHAR(16) CHARACTER SET latin1")
        try insert(from: rows + 1, count: updated)
        let deleted = rows * 4 / 15
        try db.executeText("DELETE FROM w WHERE id > \(rows - deleted) AND id <= \(rows)")
        changes += deleted
        return changes
    }

    static func configuration(database: String, name: String, start: BinlogPosition) throws -> IngestConfiguration {
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: name, serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: true, snapshot: false)
        configuration.batchRows = 50_000
        try PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName).save(start)
        return configuration
    }
}
