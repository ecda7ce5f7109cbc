import PortraitCore
import PortraitMetadata
import PortraitProcessor

extension DefinitionCatalog {
    /// A catalog holding the current version of every stored definition (what `portrait
    /// process` starts from, and what `?explain=` evaluates with).
    public static func seeded(from store: DefinitionStore, validator: DefinitionValidator, timeTickMs: Int64 = 3_600_000) throws -> DefinitionCatalog {
        let catalog = DefinitionCatalog(validator: validator, timeTickMs: timeTickMs)
        catalog.update(
            metrics: try store.list(MetricDefinition.self).map { .init($0.definition, version: $0.version) },
            tags: try store.list(TagDefinition.self).map { .init($0.definition, version: $0.version) })
        return catalog
    }
}
