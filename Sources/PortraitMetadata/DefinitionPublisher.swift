import Foundation
import Kafka
import MySQL
import PortraitCore

/// Sends definition versions that are not yet on `portrait.control` and records each as
/// published only after Kafka acknowledged it, so a crash in between re-sends (processors
/// apply a version once: they keep the highest version per definition).
///
/// Message key: `<kind>:<name>` (the topic is compacted, so the latest version per definition
/// survives); value: `{"kind","name","version","status","definition":{…}}`.
public struct DefinitionPublisher: Sendable {
    private let connection: MySQLConnection
    private let producer: KafkaProducer
    public let topic: String

    public init(connection: MySQLConnection, producer: KafkaProducer, topic: String) {
        self.connection = connection
        self.producer = producer
        self.topic = topic
    }

    /// Publishes every pending version of both kinds, oldest first; returns how many were sent.
    @discardableResult
    public func publishPending() async throws -> Int {
        try await publishPending(MetricDefinition.self) + publishPending(TagDefinition.self)
    }

    private func publishPending<D: StorableDefinition>(_ type: D.Type) async throws -> Int {
        let pending = try connection.query("""
            SELECT v.definition_id, v.version, v.status, v.body, d.name
            FROM \(D.versionsTable) v JOIN \(D.table) d ON d.id = v.definition_id
            WHERE v.published_at IS NULL ORDER BY v.created_at, v.definition_id, v.version
            """)
        for row in pending {
            let name = try row.decode(String.self, "name")
            let version = try row.decode(Int.self, "version")
            let message = Self.message(kind: D.kindName, name: name, version: version,
                                       status: try row.decode(String.self, "status"), body: try row.decode(String.self, "body"))
            try await producer.send(topic: topic, key: Array("\(D.kindName):\(name)".utf8), value: Array(message.utf8))
            try connection.execute(
                "UPDATE \(D.versionsTable) SET published_at = CURRENT_TIMESTAMP(6) WHERE definition_id = ? AND version = ?",
                [.uint(try row.decode(UInt64.self, "definition_id")), .int(Int64(version))])
        }
        return pending.count
    }

    /// The control message; `body` is already the definition's JSON from the store.
    static func message(kind: String, name: String, version: Int, status: String, body: String) -> String {
        let header = try? JSONSerialization.data(withJSONObject: ["kind": kind, "name": name, "status": status], options: [.sortedKeys])
        let fields = String(decoding: header ?? Data("{}".utf8), as: UTF8.self).dropLast()  // reopen the object
        return "\(fields),\"version\":\(version),\"definition\":\(body)}"
    }
}
