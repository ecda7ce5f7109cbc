import Foundation
import Logging
import MySQL
import PortraitIngest
import Testing

/// The consumer dedupe rule of docs/ENVELOPE.md ("Positions"), applied as a consumer of a topic
/// keyed by user would apply it: a snapshot of a table keyed by `user_id`, then a multi-row
/// UPDATE (twice in one transaction), a binlog rotation, a multi-row DELETE and a multi-row
/// INSERT of one user's rows, with the last batch delivered twice. The rule must drop exactly
/// the repeats and rebuild the table as `SELECT` shows it.
@Suite("CDC position rule against the dev MariaDB", .serialized)
struct CDCPositionRuleTests {
    /// A Kafka message as a consumer sees it: key and value.
    struct Message { let key: String; let envelope: [String: Any] }

    /// Keeps what the pipeline hands over, as a topic would.
    struct RecordingSink: ChangeSink {
        var messages: [Message] = []
        mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
            let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] ?? [:]
            messages.append(Message(key: String(decoding: key ?? [], as: UTF8.self), envelope: object))
        }
        mutating func flush() throws {}
    }

    /// `pos` as the documented rule compares it: the file's sequence number (the digits after
    /// its last `.`), then `offset`, then `row`.
    struct RulePosition: Comparable {
        let file: UInt64, offset: UInt64, row: UInt64
        init?(_ envelope: [String: Any]) {
            guard let pos = envelope["pos"] as? [String: Any], let name = pos["file"] as? String,
                  let sequence = name.split(separator: ".").last.flatMap({ UInt64($0) }),
                  let offset = (pos["offset"] as? NSNumber)?.uint64Value, let row = (pos["row"] as? NSNumber)?.uint64Value
            else { return nil }
            (self.file, self.offset, self.row) = (sequence, offset, row)
        }
        static func < (a: Self, b: Self) -> Bool { (a.file, a.offset, a.row) < (b.file, b.offset, b.row) }
    }

    /// The consumer: per Kafka key, drops a message whose position is not after the last one
    /// applied for that key; applies the rest to a table keyed by `pk`. `ignoringRow` compares
    /// `(file, offset)` only: the rule as documented before `row` existed.
    static func consume(_ messages: [Message], ignoringRow: Bool = false) -> (table: [String: [String: Any]], applied: Int) {
        var last: [String: RulePosition] = [:]
        var applied: [[String: Any]] = []
        for message in messages {
            guard var position = RulePosition(message.envelope) else { continue }
            if ignoringRow { position = RulePosition(file: position.file, offset: position.offset) }
            if let previous = last[message.key], !(previous < position) { continue }
            last[message.key] = position
            applied.append(message.envelope)
        }
        return (IngestTestHarness.replay(applied), applied.count)
    }

    @Test func theDocumentedRuleKeepsEveryChangeAndDropsEveryRepeat() throws {
        let (database, db) = try CDCTestServices.scratchDatabase("pos_rule")
        try db.executeText("CREATE TABLE orders (id INT PRIMARY KEY, user_id VARCHAR(16) NOT NULL, amount INT NOT NULL, note VARCHAR(20))")
        for id in 1...120 {
            try db.execute("INSERT INTO orders VALUES (?, ?, ?, ?)", [.int(Int64(id)), .string(id % 3 == 0 ? "u7" : "u\(id % 5)"), .int(Int64(id)), .null])
        }
        let harness = try IngestTestHarness(name: "pos_rule", database: database, snapshot: true)
        var configuration = harness.configuration
        configuration.routing.keyColumns = ["\(database).orders": "user_id"]
        func run() throws -> [Message] {
            var pipeline = IngestPipeline(configuration: configuration, sink: RecordingSink(), logger: Logger(label: "test.ingest"))
            _ = try pipeline.run()
            return pipeline.sink.messages
        }

        let snapshot = try run()
        #expect(snapshot.count == 120 && snapshot.allSatisfy { $0.envelope["op"] as? String == "r" })
        #expect(snapshot.filter { $0.key == "u7" }.count == 40)

        try db.executeText("START TRANSACTION")
        try db.executeText("UPDATE orders SET amount = amount + 1000 WHERE user_id = 'u7'")
        try db.executeText("UPDATE orders SET note = CONCAT('n', amount) WHERE user_id = 'u7' AND id % 2 = 0")
        try db.executeText("COMMIT")
        try db.executeText("FLUSH BINARY LOGS")
        try db.executeText("DELETE FROM orders WHERE user_id = 'u7' AND id % 9 = 0")
        try db.executeText("INSERT INTO orders VALUES (201, 'u7', 1, 'a'), (202, 'u7', 2, 'b'), (203, 'u1', 3, 'c')")
        try db.executeText("UPDATE orders SET amount = -amount WHERE user_id = 'u7' AND id > 200")

        let saved = try #require(try harness.store.load())
        let stream = try run()
        // A crash before the position was saved: the next run sends the same changes again.
        try harness.store.save(saved)
        let repeated = try run()
        #expect(repeated.count == stream.count)
        #expect(stream.filter { $0.key == "u7" && $0.envelope["op"] as? String == "u" }.count == 40 + 20 + 2)
        #expect(stream.filter { $0.key == "u7" && $0.envelope["op"] as? String == "d" }.count == 13)
        let files = Set(stream.compactMap { ($0.envelope["pos"] as? [String: Any])?["file"] as? String })
        #expect(files.count >= 2, "the stream crosses a binlog rotation")

        let (table, applied) = Self.consume(snapshot + stream + repeated)
        #expect(applied == snapshot.count + stream.count, "every change kept, every repeat dropped")
        let selected = try IngestTestHarness.expectedRows(db, "SELECT * FROM orders")
        #expect(table.count == selected.count)
        for (key, row) in selected {
            let got = table[key] ?? [:]
            for column in ["id", "user_id", "amount", "note"] {
                #expect(row[column] as? NSObject == got[column] as? NSObject, "row \(key) column \(column)")
            }
        }
        // The same consumer comparing (file, offset) only loses real changes.
        #expect(Self.consume(snapshot + stream + repeated, ignoringRow: true).applied < applied)
    }
}

extension CDCPositionRuleTests.RulePosition {
    init(file: UInt64, offset: UInt64, row: UInt64 = 0) { (self.file, self.offset, self.row) = (file, offset, row) }
}
