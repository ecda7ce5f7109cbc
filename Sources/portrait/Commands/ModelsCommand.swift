import ArgumentParser
import Foundation
import Learning
import MySQL
import PortraitModels
import Redis

/// `portrait models`: the model registry (docs/MODELS.md).
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Train, register, promote and roll back clustering and prediction models.",
        subcommands: [ModelsList.self, ModelsShow.self, ModelsPromote.self, ModelsRollback.self, ModelsRetrain.self])
}

extension ModelAlgorithm: ExpressibleByArgument {}

/// Options every models subcommand shares.
struct ModelOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Option(help: "Who makes the change (recorded with versions and promotions). Default: $USER.")
    var actor: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    /// The registry on the configured MySQL, and the configured Redis when `redis` is set.
    func open(redis: Bool = false) throws -> (registry: ModelRegistry, redis: RedisConnection?) {
        let configuration = try global.bootstrap()
        do {
            let registry = ModelRegistry(connection: try MySQLConnection(configuration: configuration.mysql))
            return (registry, redis ? try RedisConnection(configuration: configuration.redis) : nil)
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}

/// Runs `body`, turning the errors a models command expects into one line and a status.
private func reportingModelErrors(_ body: () throws -> Void) throws {
    do { try body() } catch {
        switch error {
        case let error as RetrainingError: throw CleanExit.message("error: \(error)", code: 64)
        case let error as FeatureLabelError: throw CleanExit.message("error: \(error)", code: 64)
        case let error as ModelRegistryError: throw CleanExit.message("error: \(error)", code: 1)
        case let error as ModelLoadError: throw CleanExit.message("error: \(error)", code: 1)
        case let error as LearningError: throw CleanExit.message("error: \(error)", code: 1)
        case let error as MySQLError: throw CleanExit.message("error: \(error)", code: 1)
        case let error as RedisError: throw CleanExit.message("error: \(error)", code: 1)
        default: throw error
        }
    }
}

/// `auc=0.91 log_loss=0.31`, sorted by name.
private func metricsText(_ metrics: [String: Double]) -> String {
    metrics.keys.sorted().map { "\($0)=\(String(format: "%.6g", metrics[$0] ?? 0))" }.joined(separator: " ")
}

struct ModelsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List models with their active and latest versions.")
    @OptionGroup var options: ModelOptions

    func run() throws {
        let registry = try options.open().registry
        try reportingModelErrors {
            for head in try registry.heads() {
                print("\(head.name)\t\(head.algorithm.rawValue)\t\(head.activeVersion.map { "active v\($0)" } ?? "no active version")\tlatest v\(head.latestVersion)\tmargin \(head.promotionMargin)")
            }
        }
    }
}

struct ModelsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a model's versions (newest first) and its promotion history.")
    @OptionGroup var options: ModelOptions
    @Argument(help: "The model's name.") var name: String
    @Option(help: "Show this version in full, params included.") var version: Int?

    func run() throws {
        let registry = try options.open().registry
        try reportingModelErrors {
            if let version {
                let stored = try registry.version(name, version)
                print("\(name) v\(stored.version)\t\(stored.algorithm.rawValue)\t\(stored.status.rawValue)")
                print("features\t\(stored.features.joined(separator: ","))")
                print("metrics\t\(metricsText(stored.metrics))")
                print("training\t\(stored.trainingRows.map(String.init) ?? "?") rows, profiles updated \(stored.trainingFrom ?? "?") … \(stored.trainingTo ?? "?")")
                print("created\t\(stored.createdAt) by \(stored.createdBy ?? "?")\(stored.promotedAt.map { ", promoted \($0)" } ?? "")\(stored.retiredAt.map { ", retired \($0)" } ?? "")")
                if let location = stored.artifactLocation { print("artifact\t\(location) sha256 \(stored.artifactSHA256 ?? "?")") }
                print("params\t\(stored.params)")
                return
            }
            let head = try registry.head(name)
            print("\(head.name)\t\(head.algorithm.rawValue)\t\(head.activeVersion.map { "active v\($0)" } ?? "no active version")\tmargin \(head.promotionMargin)")
            for stored in try registry.versions(of: name) {
                print("v\(stored.version)\t\(stored.status.rawValue)\t\(stored.createdAt)\t\(stored.trainingRows.map { "\($0) rows" } ?? "-")\t\(metricsText(stored.metrics))\t\(stored.features.joined(separator: ","))")
            }
            for promotion in try registry.promotions(of: name) {
                let from = promotion.fromVersion.map { "v\($0)" } ?? "none"
                let to = promotion.toVersion.map { "v\($0)" } ?? "none"
                print("\(promotion.createdAt)\t\(promotion.action.rawValue)\t\(from) → \(to)\t\(promotion.actor)\t\(promotion.reason ?? "")")
            }
        }
    }
}

struct ModelsPromote: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make a version active if it beats the active one by the model's margin (or with --force).")
    @OptionGroup var options: ModelOptions
    @Argument(help: "The model's name.") var name: String
    @Argument(help: "The version to activate.") var version: Int
    @Flag(help: "Promote even if the version does not beat the active one (it must still load).") var force = false

    func run() throws {
        let registry = try options.open().registry
        try reportingModelErrors {
            let promotion = try registry.promote(name, version: version, actor: options.actor, force: force)
            print("promoted \(name) to v\(version) (was \(promotion.fromVersion.map { "v\($0)" } ?? "none")): \(promotion.reason ?? "")")
        }
    }
}

struct ModelsRollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Restore the version that was active before the current one was promoted.")
    @OptionGroup var options: ModelOptions
    @Argument(help: "The model's name.") var name: String

    func run() throws {
        let registry = try options.open().registry
        try reportingModelErrors {
            let rollback = try registry.rollback(name, actor: options.actor)
            print("rolled \(name) back to v\(rollback.toVersion ?? 0) (was v\(rollback.fromVersion ?? 0))")
        }
    }
}

struct ModelsRetrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Fit a model on the stored profiles, register the version with its held-out metrics, and promote it if it is better.")
    @OptionGroup var options: ModelOptions
    @Argument(help: "The model's name (registered on first use).") var name: String
    @Option(help: "kmeans or logistic_regression.") var algorithm: ModelAlgorithm
    @Option(help: "Comma-separated profile fields, in order: m.<metric>, a.<attribute>, t.<tag>.") var features: String
    @Option(help: "Logistic regression's label: t.<tag> (true = 1) or <field>>=<number>.") var label: String?
    @Option(help: "k-means clusters.") var k: Int = 4
    @Option(help: "k-means++ seed.") var seed: UInt64 = 1
    @Option(help: "Logistic regression's L2 strength.") var regParam: Double = 1e-4
    @Option(help: "Percent of users held out for the metrics (by hash of the user id).") var testPercent: Int = 20
    @Option(help: "Set the model's promotion margin (default for a new model: 0.01).") var margin: Double?
    @Flag(help: "Print the outcome as one JSON object.") var json = false

    func run() throws {
        let (registry, redis) = try options.open(redis: true)
        try reportingModelErrors {
            let request = RetrainingRequest(
                name: name, algorithm: algorithm, features: features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                label: try label.map { spec throws(FeatureLabelError) in try FeatureLabel(spec: spec) }, k: k, seed: seed,
                regParam: regParam, testPercent: testPercent, promotionMargin: margin, actor: options.actor)
            let outcome = try Retrainer(registry: registry, redis: redis!).run(request)
            if json { print(outcome.json()); return }
            print("registered \(name) v\(outcome.version): \(outcome.rows) profiles (\(outcome.trainRows) train, \(outcome.testRows) held out); \(metricsText(outcome.metrics))")
            print(outcome.promoted ? "promoted: \(outcome.reason)" : "not promoted (active: \(outcome.activeVersion.map { "v\($0)" } ?? "none")): \(outcome.reason)")
        }
    }
}
