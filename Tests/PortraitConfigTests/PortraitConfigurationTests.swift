import PortraitConfig
import Testing

@Suite struct PortraitConfigurationTests {
    @Test func defaultsAreLoopbackAndMock() throws {
        let configuration = try PortraitConfiguration(values: [:])
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.httpPort == 8080)
        #expect(configuration.kafka == .mock(brokers: 3))
        #expect(configuration.mysql.endpoint == "127.0.0.1:3306")
        #expect(configuration.redis.endpoint == "127.0.0.1:6379")
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try PortraitConfiguration.load(path: nil, environment: [
            "PORTRAIT_KAFKA_BROKERS": "k1:9092,k2:9092",
            "PORTRAIT_HTTP_ADDR": "0.0.0.0:9000",
            "PORTRAIT_MYSQL_URL": "mysql://u:p@db:3307/meta",
        ])
        #expect(configuration.kafka == .cluster("k1:9092,k2:9092"))
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.httpPort == 9000)
        #expect(configuration.mysql.database == "meta")
    }

    @Test func unknownKeyIsNamed() {
        #expect { try PortraitConfiguration(values: ["redis.ulr": "redis://x"]) } throws: { error in
            (error as? ConfigurationError)?.key == "redis.ulr" && "\(error)".contains("unknown key")
        }
    }

    @Test(arguments: [
        ("kafka.brokers", "not a broker list"),
        ("http.addr", "8080"),
        ("mysql.url", "mysql://u:p@:3306/x"),
        ("redis.url", "redis://h:70000"),
        ("kafka.partitions", "0"),
        ("log.level", "loud"),
        ("log.format", "xml"),
        ("metrics.enabled", "maybe"),
    ])
    func badValuesNameTheKeyAndItsVariable(key: String, value: String) {
        #expect { try PortraitConfiguration(values: [key: value]) } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.description.contains(ConfigurationKey.environmentVariable(for: key))
        }
    }

    @Test func secretsAreNotPrinted() throws {
        let configuration = try PortraitConfiguration(values: ["mysql.url": "mysql://u:hunter2@db/x"])
        #expect(configuration.mysql.password == "hunter2")
        #expect(!"\(ConfigurationError(key: "mysql.url", problem: "x"))".contains("hunter2"))
    }

    @Test func yamlNestingFlattensToDottedKeys() throws {
        let values = try PortraitConfiguration.flattenForTesting("""
            mysql:
              url: mysql://a:b@h:1/d
            kafka:
              brokers: mock
              mock_brokers: 1
            """)
        #expect(values == ["mysql.url": "mysql://a:b@h:1/d", "kafka.brokers": "mock", "kafka.mock_brokers": "1"])
        #expect(throws: ConfigurationError.self) { try PortraitConfiguration.flattenForTesting("kafka: [1, 2]") }
    }
}
