import Foundation
import Kafka
import MySQL
import PortraitAPI
import Redis
import Testing
import Yams

/// `web-api/openapi.yaml` documents exactly the routes the router has.
@Suite("OpenAPI document matches the router")
struct OpenAPIDocumentTests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws {
        // No service is contacted: pools connect on first use, the producer on first send.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: "127.0.0.1:1")))
        let text = try String(contentsOf: APITestEnvironment.root.appendingPathComponent("web-api/openapi.yaml"), encoding: .utf8)
        let configuration = APIConfiguration(
            redis: RedisConfiguration(), mysql: MySQLConfiguration(), producer: producer, publishesDefinitions: false, openAPIDocument: text)
        let registered = Set(makeAPIRouter(configuration: configuration).routes.map { "\($0.method.rawValue) \($0.path)" })
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        let documented = Set(paths.flatMap { path, operations in
            operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
        })
        #expect(registered.subtracting(documented).isEmpty, "undocumented: \(registered.subtracting(documented).sorted())")
        #expect(documented.subtracting(registered).isEmpty, "not routed: \(documented.subtracting(registered).sorted())")
    }
}
