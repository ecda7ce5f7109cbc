import Logging
import PortraitProcessor

/// Keeps a processor's ``ActiveModels`` equal to the registry's active versions.
///
/// ``refresh()`` reads the model heads (one small query), loads every version that is newly
/// active in full (``ModelScorer/init(version:)``) and only then publishes it, so the processor
/// switches between complete versions at a batch boundary. A version that fails to load is
/// reported and the previous one keeps scoring. The model names also go to the definition
/// catalog: a tag may read `model.<name>.score` for every registered model.
///
/// Processors learn of promotions and rollbacks by polling (`portrait process --model-poll`):
/// the registry is the one place that says which version is active, whoever changed it (the
/// CLI, the scheduler's retraining, the online learner), and one query every few seconds
/// costs nothing next to a batch.
public struct ActiveModelsRefresher: Sendable {
    public let registry: ModelRegistry
    public let models: ActiveModels
    public let catalog: DefinitionCatalog?
    private let logger: Logger

    public init(registry: ModelRegistry, models: ActiveModels, catalog: DefinitionCatalog?, logger: Logger) {
        self.registry = registry
        self.models = models
        self.catalog = catalog
        self.logger = logger
    }

    /// What one refresh changed.
    public struct Changes: Sendable, Equatable {
        /// `name` → the version now published (`nil`: the model no longer has an active version).
        public var published: [String: Int?] = [:]
        /// `name: why` for active versions that did not load (the previous version stays).
        public var failed: [String] = []
    }

    /// Brings ``models`` up to the registry's active versions.
    @discardableResult
    public func refresh() throws -> Changes {
        let heads = try registry.heads()
        catalog?.update(models: Set(heads.map(\.name)))
        let current = models.snapshot()
        var changes = Changes()
        for head in heads {
            guard let active = head.activeVersion else {
                if current[head.name] != nil { models.remove(head.name); changes.published[head.name] = .some(nil) }
                continue
            }
            guard current[head.name]?.version != active else { continue }
            do {
                let scorer = try ModelScorer(version: try registry.version(head.name, active))
                models.publish(scorer)
                changes.published[head.name] = active
                logger.info("model version published", metadata: ["model": "\(head.name)", "version": "\(active)"])
            } catch {
                changes.failed.append("\(head.name) v\(active): \(error)")
                logger.error("model version not loaded; the previous one keeps scoring", metadata: [
                    "model": "\(head.name)", "version": "\(active)", "error": "\(error)"])
            }
        }
        for name in current.keys where !heads.contains(where: { $0.name == name }) {
            models.remove(name)
            changes.published[name] = .some(nil)
        }
        return changes
    }
}
