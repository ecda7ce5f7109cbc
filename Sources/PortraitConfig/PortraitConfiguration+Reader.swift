import Foundation
import MySQL
import Redis
import Yams

extension PortraitConfiguration {
    /// Reads `path` (when it exists), applies `PORTRAIT_…` overrides from `environment`, and
    /// validates every key. Unknown keys are errors, so a typo never passes silently.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> PortraitConfiguration {
        let settings = try resolve(path: path, environment: environment)
        return try PortraitConfiguration(values: settings.explicitValues)
    }

    /// Every known key's effective value and where it came from (environment over file over
    /// default), without validating the values. `portrait config` prints this.
    public static func resolve(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> ResolvedSettings {
        var fileValues: [String: String] = [:]
        if let path, FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw ConfigurationError(key: "file", problem: "cannot read \(path): \(error.localizedDescription)")
            }
            fileValues = try flatten(yaml: text, path: path)
        }
        var settings = ResolvedSettings()
        // Unknown keys in the file stay in so validation names them.
        for (name, value) in fileValues where ConfigurationKey.byName[name] == nil {
            settings.unknown[name] = value
        }
        for key in ConfigurationKey.all {
            if let override = environment[ConfigurationKey.environmentVariable(for: key.name)] {
                settings.settings.append(ResolvedSetting(key: key, value: override, source: .environment))
            } else if let value = fileValues[key.name] {
                settings.settings.append(ResolvedSetting(key: key, value: value, source: .file(path ?? "")))
            } else {
                settings.settings.append(ResolvedSetting(key: key, value: key.defaultValue, source: .default))
            }
        }
        return settings
    }

    /// Builds the configuration from dotted keys; missing keys take their defaults.
    public init(values: [String: String]) throws(ConfigurationError) {
        for key in values.keys where ConfigurationKey.byName[key] == nil {
            throw ConfigurationError(key: key, problem: "unknown key; known keys: \(ConfigurationKey.all.map(\.name).joined(separator: ", "))")
        }
        func value(_ key: String) -> String { values[key] ?? ConfigurationKey.byName[key]!.defaultValue }
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
            guard let number = Int(value(key)), range.contains(number) else {
                throw ConfigurationError(key: key, problem: "must be a whole number in \(range.lowerBound)...\(range.upperBound), got \(value(key))")
            }
            return number
        }

        do { mysql = try MySQLConfiguration(url: value("mysql.url")) } catch {
            throw ConfigurationError(key: "mysql.url", problem: "\(error.description), got \(SecretRedaction.redactedValue(value("mysql.url")))")
        }
        mysqlPoolSize = try integer("mysql.pool_size", 1...256)
        do { redis = try RedisConfiguration(url: value("redis.url")) } catch {
            throw ConfigurationError(key: "redis.url", problem: "\(error.description), got \(SecretRedaction.redactedValue(value("redis.url")))")
        }
        redisPoolSize = try integer("redis.pool_size", 1...256)

        let brokers = value("kafka.brokers").trimmingCharacters(in: .whitespaces)
        if brokers == "mock" {
            kafka = .mock(brokers: try integer("kafka.mock_brokers", 1...16))
        } else {
            for broker in brokers.split(separator: ",") {
                let parts = broker.split(separator: ":")
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                    throw ConfigurationError(key: "kafka.brokers", problem: "expected `mock` or host:port[,host:port…], got \(brokers)")
                }
            }
            guard !brokers.isEmpty else { throw ConfigurationError(key: "kafka.brokers", problem: "must not be empty") }
            kafka = .cluster(brokers)
        }
        topicPrefix = value("kafka.topic_prefix")
        guard !topicPrefix.isEmpty, topicPrefix.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            throw ConfigurationError(key: "kafka.topic_prefix", problem: "must be letters, digits, '.', '_' or '-', got \(topicPrefix)")
        }
        partitions = try integer("kafka.partitions", 1...1024)

        let address = value("http.addr")
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port),
              colon > address.startIndex else {
            throw ConfigurationError(key: "http.addr", problem: "expected host:port, got \(address)")
        }
        httpHost = String(address[..<colon])
        httpPort = port

        logLevel = value("log.level").lowercased()
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw ConfigurationError(key: "log.level", problem: "must be one of \(levels.joined(separator: ", ")), got \(logLevel)")
        }
        guard let format = LogFormat(rawValue: value("log.format").lowercased()) else {
            throw ConfigurationError(key: "log.format", problem: "must be text or json, got \(value("log.format"))")
        }
        logFormat = format
        guard let enabled = Bool(value("metrics.enabled").lowercased()) else {
            throw ConfigurationError(key: "metrics.enabled", problem: "must be true or false, got \(value("metrics.enabled"))")
        }
        metricsEnabled = enabled

        archiveDirectory = value("history.archive_dir")
        guard !archiveDirectory.isEmpty else { throw ConfigurationError(key: "history.archive_dir", problem: "must not be empty") }
        archiveRetentionDays = try integer("history.archive_retention_days", 0...36_500)
        kafkaRetentionHours = try integer("history.kafka_retention_hours", 1...876_000)
    }

    /// Turns nested YAML mappings into dotted keys with scalar values.
    static func flatten(yaml text: String, path: String) throws(ConfigurationError) -> [String: String] {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(key: "file", problem: "\(path) is not valid YAML: \(error)")
        }
        var values: [String: String] = [:]
        func walk(_ node: Node, prefix: String) throws(ConfigurationError) {
            switch node {
            case .mapping(let mapping):
                for (key, child) in mapping {
                    guard let name = key.string else { throw ConfigurationError(key: prefix, problem: "keys must be strings") }
                    try walk(child, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
                }
            case .scalar(let scalar):
                values[prefix] = scalar.string
            default:
                throw ConfigurationError(key: prefix, problem: "must be a single value, not a list")
            }
        }
        if let node { try walk(node, prefix: "") }
        return values
    }

    /// `flatten` for tests of the YAML shape.
    public static func flattenForTesting(_ yaml: String) throws(ConfigurationError) -> [String: String] {
        try flatten(yaml: yaml, path: "test")
    }
}
