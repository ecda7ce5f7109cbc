import ArgumentParser
import PortraitCore
import PortraitMetadata

struct DefinitionList<K: DefinitionKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: "List current \(K.plural).") }
    @OptionGroup var options: DefinitionOptions
    @Option(help: "Only this status: draft, active or retired.") var status: DefinitionStatus?

    func run() throws {
        let store = try options.store()
        try reportingErrors { for stored in try store.list(K.Definition.self, status: status) { try printDefinition(K.self, stored, verbose: false) } }
    }
}

struct DefinitionShow<K: DefinitionKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "show", abstract: "Show the current version of one of the \(K.plural).") }
    @OptionGroup var options: DefinitionOptions
    @Argument var name: String

    func run() throws {
        let store = try options.store()
        try reportingErrors {
            try printDefinition(K.self, try store.existing(K.Definition.self, named: name), verbose: true)
        }
    }
}

struct DefinitionHistory<K: DefinitionKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "history", abstract: "Every version of one of the \(K.plural), oldest first.") }
    @OptionGroup var options: DefinitionOptions
    @Argument var name: String

    func run() throws {
        let store = try options.store()
        try reportingErrors {
            for stored in try store.history(K.Definition.self, named: name) {
                print("v\(stored.version)\t\(stored.createdAt)\t\(stored.author)\t\(stored.definition.status.rawValue)\t\(K.summary(stored.definition))\(stored.note.map { "\t\($0)" } ?? "")")
            }
        }
    }
}

struct DefinitionCreate<K: DefinitionKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "create", abstract: "Validate and store a new definition (version 1).") }
    @OptionGroup var options: DefinitionOptions
    @Argument(help: "Name (or give it in --file).") var name: String?
    @Option(help: "YAML or JSON file with the definition's fields.") var file: String?
    @OptionGroup var fields: K.Fields
    @Option(name: .customLong("dry-run"), help: "Evaluate against this user's stored profile instead of saving.") var dryRun: String?

    func run() async throws {
        let definition = try DefinitionInput.definition(file: file, fields: fields, name: name)
        let session = try options.session()
        try await reportingErrors {
            try K.validate(definition, session: session)
            if let dryRun { return try DryRun.report(try K.trial(definition, store: session.store), userId: dryRun, session: session) }
            try printDefinition(K.self, try session.store.create(definition, author: options.author), verbose: false)
            try await session.publishPending()
            try session.requestBackfill(definition.metricNeedingBackfill(replacing: nil))
        }
    }
}

struct DefinitionUpdate<K: DefinitionKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "update", abstract: "Change fields of a definition; stored as its next version.") }
    @OptionGroup var options: DefinitionOptions
    @Argument var name: String
    @Option(help: "YAML or JSON file with fields to change.") var file: String?
    @Option(help: "Why (kept in the history).") var note: String?
    @OptionGroup var fields: K.Fields
    @Option(name: .customLong("dry-run"), help: "Evaluate against this user's stored profile instead of saving.") var dryRun: String?

    func run() async throws {
        let session = try options.session()
        let store = session.store
        try await reportingErrors {
            let current = try store.existing(K.Definition.self, named: name)
            let merged = try DefinitionInput.merging(current.definition, file: file, fields: fields)
            try K.validate(merged, session: session)
            if let dryRun { return try DryRun.report(try K.trial(merged, store: store), userId: dryRun, session: session) }
            guard merged != current.definition else { print("no change"); return }
            try printDefinition(K.self, try store.update(merged, author: options.author, note: note), verbose: false)
            try await session.publishPending()
            try session.requestBackfill(merged.metricNeedingBackfill(replacing: current.definition))
        }
    }
}

struct DefinitionSetStatus<K: DefinitionKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "set-status", abstract: "Activate or retire a definition (`delete` retires: history is never erased).", aliases: ["delete"])
    }
    @OptionGroup var options: DefinitionOptions
    @Argument var name: String
    @Option(help: "draft, active or retired.") var status: DefinitionStatus = .retired

    func run() async throws {
        let session = try options.session()
        try await reportingErrors {
            let previous = try session.store.existing(K.Definition.self, named: name)
            let stored = try session.store.setStatus(K.Definition.self, named: name, to: status, author: options.author)
            try printDefinition(K.self, stored, verbose: false)
            try await session.publishPending()
            try session.requestBackfill(stored.definition.metricNeedingBackfill(replacing: previous.definition))
        }
    }
}

struct DefinitionValidate<K: DefinitionKind>: ParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "validate", abstract: "Type-check a definition against what exists, without saving it.") }
    @OptionGroup var options: DefinitionOptions
    @Argument var name: String?
    @Option(help: "YAML or JSON file.") var file: String?
    @OptionGroup var fields: K.Fields

    func run() throws {
        let definition = try DefinitionInput.definition(file: file, fields: fields, name: name)
        let session = try options.session()
        try reportingErrors {
            try K.validate(definition, session: session)
            print("valid: \(K.summary(definition))")
        }
    }
}

struct DefinitionPublish<K: DefinitionKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "publish", abstract: "Send every definition version not yet on the control topic (metrics and tags).")
    }
    @OptionGroup var options: DefinitionOptions

    func run() async throws {
        let session = try options.session()
        try await reportingErrors { try await session.publishPending() }
    }
}

extension DefinitionStatus: ExpressibleByArgument {}

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Manage metric definitions (windowed aggregations over events).",
        subcommands: [
            DefinitionList<MetricKind>.self, DefinitionShow<MetricKind>.self, DefinitionCreate<MetricKind>.self, DefinitionUpdate<MetricKind>.self,
            DefinitionSetStatus<MetricKind>.self, DefinitionValidate<MetricKind>.self, DefinitionHistory<MetricKind>.self, DefinitionPublish<MetricKind>.self,
        ])
}

struct TagsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tags", abstract: "Manage tag definitions (boolean or enumerated TagLang expressions).",
        subcommands: [
            DefinitionList<TagKind>.self, DefinitionShow<TagKind>.self, DefinitionCreate<TagKind>.self, DefinitionUpdate<TagKind>.self,
            DefinitionSetStatus<TagKind>.self, DefinitionValidate<TagKind>.self, DefinitionHistory<TagKind>.self, DefinitionPublish<TagKind>.self,
        ])
}
