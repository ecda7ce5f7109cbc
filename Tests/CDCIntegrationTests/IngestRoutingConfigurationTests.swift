import PortraitIngest
import Testing

/// The routing file's reader (no server): shapes, defaults, and errors that name the key.
@Suite("Ingest routing file")
struct IngestRoutingConfigurationTests {
    @Test func readsEveryKey() throws {
        let document: [AnyHashable: Any] = [
            "name": "shop", "server_id": 30_001, "topic_prefix": "acme.cdc", "include": ["shop.*", "crm.users"], "exclude": ["shop.tmp_*"],
            "tables": ["shop.orders": ["key": "user_id"], "crm.users": ["key": "id", "topic": "acme.users"]] as [AnyHashable: Any],
        ]
        let routing = try IngestRoutingConfiguration(document: document, file: "ingest.yaml")
        #expect(routing == IngestRoutingConfiguration(
            ingestName: "shop", serverId: 30_001, topicPrefix: "acme.cdc", includes: ["shop.*", "crm.users"], excludes: ["shop.tmp_*"],
            keyColumns: ["shop.orders": "user_id", "crm.users": "id"], topics: ["crm.users": "acme.users"]))
    }

    @Test func anEmptyFileConfiguresNothing() throws {
        #expect(try IngestRoutingConfiguration(document: nil, file: "ingest.yaml") == IngestRoutingConfiguration())
        #expect(try IngestRoutingConfiguration(document: ["include": [Any](), "tables": [String: Any]()], file: "f") == IngestRoutingConfiguration())
    }

    @Test(arguments: [
        (["tables": ["shop.orders": ["key": 42]]], "tables.shop.orders.key"),
        (["tables": ["shop.orders": ["key": ""]]], "tables.shop.orders.key"),
        (["tables": ["shop.orders": ["colum": "x"]]], "tables.shop.orders.colum"),
        (["tables": ["shop.*": ["key": "user_id"]]], "tables.shop.*"),
        (["tables": ["orders": ["key": "user_id"]]], "tables.orders"),
        (["tables": ["shop.orders": "user_id"]], "tables.shop.orders"),
        (["tabels": [String: String]()], "tabels"),
        (["server_id": 0], "server_id"),
        (["server_id": "x"], "server_id"),
        (["name": ""], "name"),
        (["topic_prefix": "a b"], "topic_prefix"),
        (["include": ["shop"]], "include[0]"),
        (["exclude": "shop.*"], "exclude"),
    ] as [([String: any Sendable], String)])
    func invalidValuesAreErrorsNamingTheKey(document: [String: any Sendable], key: String) {
        #expect {
            _ = try IngestRoutingConfiguration(document: document, file: "config/ingest.yaml")
        } throws: { error in
            guard let error = error as? IngestRoutingError else { return false }
            return error.key == key && error.file == "config/ingest.yaml" && error.description.contains("`\(key)`")
        }
    }
}
