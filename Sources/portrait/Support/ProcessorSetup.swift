import Foundation
import Logging
import MySQL
import PortraitAPI
import PortraitConfig
import PortraitCore
import PortraitMetadata
import PortraitModels
import PortraitProcessor
import Yams

/// What `portrait process` and `portrait demo` share: the mapping file, the definition
/// catalog seeded from the metadata store, and the validator both use.
enum ProcessorSetup {
    /// The mapping at `path`, or `config/profiles.yaml`; a file given explicitly must exist.
    static func loadMapping(path: String?) throws -> ProfileMapping {
        let file = path ?? "config/profiles.yaml"
        guard FileManager.default.fileExists(atPath: file) else {
            if path == nil { return ProfileMapping() }
            throw ProfileMappingError(file: file, key: "(file)", problem: "no such file")
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: try String(contentsOfFile: file, encoding: .utf8))
        } catch {
            throw ProfileMappingError(file: file, key: "(file)", problem: "not valid YAML: \(error)")
        }
        return try ProfileMapping(document: document, file: file)
    }

    /// The validator for this mapping's attributes and the registered models (tags are checked
    /// against them).
    static func validator(for mapping: ProfileMapping, models: Set<String> = []) -> DefinitionValidator {
        DefinitionValidator(attributes: mapping.attributeTypes, models: models)
    }

    /// Every model in the registry: tags may read `model.<name>.score|cluster` of these.
    static func modelNames(_ connection: MySQLConnection) throws -> Set<String> {
        try ModelRegistry(connection: connection).names()
    }

    /// A catalog holding the current version of every stored definition; the control topic
    /// brings later ones.
    static func seededCatalog(mapping: ProfileMapping, mysql: MySQLConfiguration, timeTickMs: Int64) throws -> DefinitionCatalog {
        let connection = try MySQLConnection(configuration: mysql)
        let store = DefinitionStore(connection: connection)
        return try DefinitionCatalog.seeded(from: store, validator: validator(for: mapping, models: try modelNames(connection)), timeTickMs: timeTickMs)
    }

    /// Parses `5s`, `500ms`, `2m`, `1h`, `1d` into milliseconds.
    static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, unit) in units where text.hasSuffix(suffix) {
            if let amount = Int64(text.dropLast(suffix.count)), amount >= 0 { return amount * unit }
        }
        return nil
    }
}
