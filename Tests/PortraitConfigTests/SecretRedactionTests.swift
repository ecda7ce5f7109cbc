import PortraitConfig
import Testing

/// Issue 17 item 7: no password survives in an error, in `config` output or in a log line,
/// whatever the URL's scheme, case or spacing.
@Suite struct SecretRedactionTests {
    static let secret = "s3cr3t-Pw"

    /// URL shapes a person may type; every one carries `secret`.
    static let variants: [String] = [
        "rediss://:\(secret)@cache.example:6380/0",
        "REDIS://:\(secret)@cache.example",
        "Redis://user:\(secret)@cache.example",
        "unix://:\(secret)@/var/run/redis.sock",
        " redis://:\(secret)@cache.example",
        "\tmysql://u:\(secret)@db.example/x",
        "MYSQL://u:\(secret)@db.example:3306/x",
        "redis://:\(secret)@cache.example:notaport",
        "redis://:\(secret)@",
        "redis://:\(secret)@cache.example/notadb",
        "mysql://u:\(secret)@:3306/x",
        "u:\(secret)@db.example",
        "redis://\(secret)@cache.example:99999",
        "redis://:pa@ss\(secret)@cache.example:0",
    ]

    @Test(arguments: variants, ["mysql.url", "redis.url"])
    func invalidURLErrorsNeverShowThePassword(url: String, key: String) {
        do {
            _ = try PortraitConfiguration(values: [key: url])
        } catch {
            #expect(!"\(error)".contains(Self.secret), "\(error)")
            #expect("\(error)".contains(key))
            return
        }
        // Some variants are valid for one key (e.g. rediss is not): then the resolved value must still hide it.
        #expect(!SecretRedaction.redactedValue(url).contains(Self.secret))
    }

    @Test(arguments: variants)
    func valuesAndFreeTextAreRedacted(url: String) {
        #expect(!SecretRedaction.redactedValue(url).contains(Self.secret), "\(SecretRedaction.redactedValue(url))")
        let line = "connecting to \(url) failed; retrying"
        #expect(!SecretRedaction.redactingURLs(in: line).contains(Self.secret), "\(SecretRedaction.redactingURLs(in: line))")
    }

    @Test func redactionKeepsUserAndHost() {
        #expect(SecretRedaction.redactedValue("mysql://u:secret@h/db") == "mysql://u:***@h/db")
        #expect(SecretRedaction.redactedValue("rediss://:secret@h:6380") == "rediss://:***@h:6380")
        #expect(SecretRedaction.redactedValue("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0")
        #expect(SecretRedaction.redactingURLs(in: "a redis://:x@h b mysql://u:y@d c") == "a redis://:***@h b mysql://u:***@d c")
    }

    @Test func configListsEffectiveValuesWithTheirSourceAndHidesSecrets() throws {
        let resolved = try PortraitConfiguration.resolve(path: nil, environment: [
            "PORTRAIT_REDIS_URL": "REDISS://:\(Self.secret)@cache.example:6380",
            "PORTRAIT_HTTP_ADDR": "0.0.0.0:9000",
        ])
        let byName = Dictionary(uniqueKeysWithValues: resolved.settings.map { ($0.key.name, $0) })
        #expect(byName["http.addr"]?.value == "0.0.0.0:9000")
        #expect(byName["http.addr"]?.source == .environment)
        #expect(byName["log.level"]?.source == .default)
        #expect(byName["redis.url"]?.source == .environment)
        #expect(byName["redis.url"]?.printableValue == "REDISS://:***@cache.example:6380")
        #expect(resolved.settings.allSatisfy { !$0.printableValue.contains(Self.secret) })
    }
}
