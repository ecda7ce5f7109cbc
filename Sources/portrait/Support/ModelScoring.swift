import Logging
import MySQL
import PortraitModels
import PortraitProcessor

/// The model registry wired into a processor (`process`, `demo`, `recompute`): every model's
/// active version is loaded in full and published before the first batch, and the processor
/// scores each batch with what is published then (docs/MODELS.md, "Scoring in the pipeline").
struct ModelScoring: Sendable {
    let refresher: ActiveModelsRefresher
    private let logger: Logger

    /// Loads the active versions and points `options.scorers` at them.
    static func attach(to options: inout ProcessorOptions, catalog: DefinitionCatalog, mysql: MySQLConfiguration, logger: Logger) throws -> ModelScoring {
        let models = ActiveModels()
        let refresher = ActiveModelsRefresher(
            registry: ModelRegistry(connection: try MySQLConnection(configuration: mysql)), models: models, catalog: catalog, logger: logger)
        try refresher.refresh()
        options.scorers = { Array(models.snapshot().values) }
        return ModelScoring(refresher: refresher, logger: logger)
    }

    /// One poll of the registry; failures are logged and the current versions keep scoring.
    func refresh() {
        do { try refresher.refresh() } catch {
            logger.warning("model registry poll failed; scoring with the versions loaded", metadata: ["error": "\(error)"])
        }
    }

    /// The versions published now, as `name` → version (what a run records as used).
    var versions: [String: Int] { refresher.models.snapshot().mapValues(\.version) }
}
