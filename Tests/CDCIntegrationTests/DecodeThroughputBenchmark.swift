import Foundation
import Logging
import MySQL
import PortraitIngest
import Testing

/// Decode throughput on a binlog of mixed-type rows. Runs only when PORTRAIT_CDC_BENCH_ROWS is
/// set (e.g. 1000000); build with `-c release` for meaningful figures:
///
///     PORTRAIT_CDC_BENCH_ROWS=1000000 swift test -c release --filter DecodeThroughput
///
/// With PORTRAIT_CDC_BENCH_RANGE=FILE it also writes the binlog range it decoded (start and end
/// position, database, rows) as JSON, for the reference decoder: scripts/bench-python-binlog.py.
@Suite("Decode throughput (benchmark)", .serialized)
struct DecodeThroughputBenchmark {
    static let rowCount = Int(ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_ROWS"] ?? "") ?? 0

    @Test(.enabled(if: rowCount > 0)) func decodeMixedTypeRows() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("bench")
        try db.executeText("""
            CREATE TABLE b (id INT PRIMARY KEY, user_id BIGINT UNSIGNED, name VARCHAR(64), email VARCHAR(128), amount DECIMAL(12,2),
              score DOUBLE, flag TINYINT, created DATETIME(6), updated TIMESTAMP(3) NULL, status ENUM('new','paid','shipped'),
              note TEXT, birthday DATE, tags SET('a','b','c'), ratio FLOAT, payload VARBINARY(32))
            """)
        let start = try CDCTestServices.currentPosition()
        var inserted = 0
        while inserted < Self.rowCount {
            let chunk = min(100_000, Self.rowCount - inserted)
            try db.executeText("""
                INSERT INTO b SELECT seq, seq % 100000, CONCAT('user ', seq), CONCAT('u', seq, '@example.com'), seq / 100, seq * 1.5,
                  seq % 2, TIMESTAMP('2026-01-01 00:00:00.123456') - INTERVAL seq SECOND, TIMESTAMP('2026-01-01 00:00:00.5') + INTERVAL seq SECOND,
                  ELT(1 + seq % 3, 'new', 'paid', 'shipped'), REPEAT('ü', seq % 40), '2000-01-01' + INTERVAL (seq % 10000) DAY,
                  ELT(1 + seq % 3, 'a', 'a,b', 'c'), seq / 7, UNHEX(MD5(seq))
                FROM seq_\(inserted + 1)_to_\(inserted + chunk)
                """)
            inserted += chunk
        }
        let end = try CDCTestServices.currentPosition()
        if let rangeFile = ProcessInfo.processInfo.environment["PORTRAIT_CDC_BENCH_RANGE"] {
            let range: [String: Any] = [
                "database": database, "table": "b", "rows": Self.rowCount,
                "start": ["file": start.file, "offset": start.offset], "end": ["file": end.file, "offset": end.offset],
            ]
            try JSONSerialization.data(withJSONObject: range, options: [.sortedKeys]).write(to: URL(fileURLWithPath: rangeFile))
        }
        // Across a rotation the size is not one subtraction; -1 then.
        let megabytes = end.file == start.file && end.offset >= start.offset ? Double(end.offset - start.offset) / 1_048_576 : -1

        // 1. BinlogReader: transport + event parsing + row decoding to typed values.
        let clock = ContinuousClock()
        var rows = 0
        let readTime = try clock.measure {
            let reader = try BinlogReader(configuration: BinlogReaderConfiguration(
                connection: try CDCTestServices.configuration, serverId: CDCTestServices.nextServerId(), start: .position(file: start.file, offset: start.offset), stopAtEnd: true))
            while let record = try reader.next() {
                if case .rows(let event) = record.event, event.table.database == database { rows += event.rows.count }
            }
        }
        #expect(rows == Self.rowCount)
        // 2. The whole pipeline into JSON lines on /dev/null: decoding + envelopes + JSON.
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_bench", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: true, snapshot: false)
        configuration.batchRows = 100_000
        try PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName).save(start)
        var changes = 0
        let pipelineTime = try clock.measure {
            var pipeline = IngestPipeline(configuration: configuration, sink: JSONLinesChangeSink(handle: FileHandle.nullDevice), logger: Logger(label: "bench"))
            changes = try pipeline.run().changes
        }
        #expect(changes == Self.rowCount)
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        print(String(format: "BENCH rows=%d binlog=%.1f MB reader+decode: %.2f s = %.0f rows/s; pipeline to JSON lines: %.2f s = %.0f rows/s",
                     rows, megabytes, seconds(readTime), Double(rows) / seconds(readTime), seconds(pipelineTime), Double(changes) / seconds(pipelineTime)))
    }
}
