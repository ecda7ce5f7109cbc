import ArgumentParser
import Foundation
import Kafka
import MySQL
import PortraitConfig
import PortraitCore
import PortraitMetadata
import PortraitScheduler
import PortraitProcessor
import Redis

/// What the definition subcommands need to know about a kind beyond its store mapping.
protocol DefinitionKind {
    associatedtype Definition: StorableDefinition & Equatable
    associatedtype Fields: DefinitionFields where Fields.Definition == Definition
    static var plural: String { get }
    static func validate(_ definition: Definition, session: DefinitionSession) throws
    static func summary(_ definition: Definition) -> String
    /// The stored definitions with `definition` in place of its current version, made active.
    static func trial(_ definition: Definition, store: DefinitionStore) throws -> DefinitionTrial
}

/// Every current definition, one of them replaced by a candidate under test (`--dry-run`).
struct DefinitionTrial {
    var metrics: [DefinitionSet.Versioned<MetricDefinition>]
    var tags: [DefinitionSet.Versioned<TagDefinition>]
    var candidate: (kind: String, name: String)

    init(store: DefinitionStore, metric: MetricDefinition? = nil, tag: TagDefinition? = nil) throws {
        metrics = try store.list(MetricDefinition.self).filter { $0.definition.name != metric?.name }.map { .init($0.definition, version: $0.version) }
        tags = try store.list(TagDefinition.self).filter { $0.definition.name != tag?.name }.map { .init($0.definition, version: $0.version) }
        if var metric { metric.status = .active; metrics.append(.init(metric, version: .max)) }
        if var tag { tag.status = .active; tags.append(.init(tag, version: .max)) }
        candidate = metric.map { ("metric", $0.name) } ?? ("tag", tag?.name ?? "")
    }
}

enum MetricKind: DefinitionKind {
    typealias Fields = MetricFields
    static let plural = "metrics"
    static func validate(_ definition: MetricDefinition, session: DefinitionSession) throws {
        try definition.validate(using: try session.validator(), store: session.store)
    }
    static func trial(_ definition: MetricDefinition, store: DefinitionStore) throws -> DefinitionTrial {
        try DefinitionTrial(store: store, metric: definition)
    }
    static func summary(_ metric: MetricDefinition) -> String {
        "\(metric.aggregation.rawValue)\(metric.field.map { "(\($0))" } ?? "") over \(metric.window) where \(metric.filter)"
    }
}

enum TagKind: DefinitionKind {
    typealias Fields = TagFields
    static let plural = "tags"
    static func validate(_ definition: TagDefinition, session: DefinitionSession) throws {
        try definition.validate(using: try session.validator(), store: session.store)
    }
    static func trial(_ definition: TagDefinition, store: DefinitionStore) throws -> DefinitionTrial {
        try DefinitionTrial(store: store, tag: definition)
    }
    static func summary(_ tag: TagDefinition) -> String {
        "\(tag.kind.rawValue)\(tag.categoryPath.isEmpty ? "" : " in \(tag.categoryPath)"): \(tag.expression)"
    }
}

/// Options shared by every definition subcommand.
struct DefinitionOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(help: "Who makes the change (recorded in the history). Default: $USER.")
    var author: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    func store() throws -> DefinitionStore {
        try session().store
    }

    /// The store plus what publishing needs.
    func session() throws -> DefinitionSession {
        let configuration = try global.bootstrap()
        do {
            let connection = try MySQLConnection(configuration: configuration.mysql)
            return DefinitionSession(configuration: configuration, connection: connection, store: DefinitionStore(connection: connection))
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}

/// An open metadata connection with the configuration it came from.
struct DefinitionSession {
    let configuration: PortraitConfiguration
    let connection: MySQLConnection
    let store: DefinitionStore

    /// The validator for the mapping's attributes and the registered models.
    func validator() throws -> DefinitionValidator {
        ProcessorSetup.validator(for: try ProcessorSetup.loadMapping(path: nil), models: try ProcessorSetup.modelNames(connection))
    }

    /// Sends pending versions to `<prefix>.control` when a real cluster is configured; with the
    /// in-process mock there is nobody to read them, so they stay pending (published later by
    /// `publish` or by the demo, which owns its mock cluster).
    func publishPending() async throws {
        guard case .cluster(let brokers) = configuration.kafka else {
            print("pending: kafka.brokers is `mock`; run `publish` against a cluster to send definition versions")
            return
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: brokers), messageTimeoutMs: 10_000))
        try producer.checkReachable()
        let sent = try await DefinitionPublisher(connection: connection, producer: producer, topic: "\(configuration.topicPrefix).control").publishPending()
        print("published \(sent) version(s) on \(configuration.topicPrefix).control")
    }

    /// Queues the backfill job for `metric` (docs/RECOMPUTE.md), or says how to give it its past.
    func requestBackfill(_ metric: String?) throws {
        guard let metric else { return }
        let requests = BackfillRequests(store: JobStore(pool: MySQLPool(configuration: configuration.mysql, size: 1)))
        if let run = try requests.request(metrics: [metric]) {
            print("backfill of \(metric) requested: run \(run.id) of job \(run.jobName) (portrait schedule runs it)")
        } else {
            print("no backfill job is enabled: \(metric) starts from the next inputs; run `portrait recompute` to give it its past")
        }
    }
}

/// Runs `body`, turning the store's, the validator's and the publisher's errors into one line
/// and a status.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw exitError(for: error) }
}

/// `reportingErrors` for async bodies.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw exitError(for: error) }
}

/// The one-line exit for an error a definition command expects; anything else passes through.
private func exitError(for error: any Error) -> any Error {
    switch error {
    case let error as DefinitionError: CleanExit.message("error: \(error)", code: 65)  // the message already says where
    case let error as DefinitionStoreError: CleanExit.message("error: \(error)", code: 1)
    case let error as MySQLError: CleanExit.message("error: \(error)", code: 1)
    case let error as KafkaError: CleanExit.message("error: saved, but not published: \(error)", code: 1)
    case let error as ProfileMappingError: CleanExit.message("error: \(error)", code: 78)
    case let error as RedisError: CleanExit.message("error: \(error)", code: 1)
    default: error
    }
}

func printDefinition<K: DefinitionKind>(_ kind: K.Type, _ stored: StoredDefinition<K.Definition>, verbose: Bool) throws {
    if verbose {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(stored.definition), as: UTF8.self))
        print("version \(stored.version) by \(stored.author) at \(stored.createdAt)\(stored.note.map { " — \($0)" } ?? "")")
    } else {
        print("\(stored.definition.name)\tv\(stored.version)\t\(stored.definition.status.rawValue)\t\(K.summary(stored.definition))")
    }
}
