import Foundation
import PortraitCore
import Synchronization

/// The definitions a processor computes: the newest version of each metric and tag it has
/// seen (from the metadata store at start and from `portrait.control` after), compiled into a
/// ``DefinitionSet``. The control listener's thread updates it; the processor's loop reads it
/// and, when the generation moved, re-evaluates its users.
public final class DefinitionCatalog: Sendable {
    struct Contents {
        var metrics: [String: DefinitionSet.Versioned<MetricDefinition>] = [:]
        var tags: [String: DefinitionSet.Versioned<TagDefinition>] = [:]
        var generation = 0
        var compiled = DefinitionSet.empty
        var validator: DefinitionValidator
    }

    private let contents: Mutex<Contents>
    private let timeTickMs: Int64

    public init(validator: DefinitionValidator, timeTickMs: Int64 = 3_600_000) {
        contents = Mutex(Contents(validator: validator))
        self.timeTickMs = timeTickMs
    }

    /// The compiled set and its generation (bumped by every change).
    public var current: (generation: Int, definitions: DefinitionSet) {
        contents.withLock { ($0.generation, $0.compiled) }
    }

    /// The versions in force, as `kind:name` → version (what a processor records as applied).
    public var versions: [String: Int] {
        contents.withLock { contents in
            var versions: [String: Int] = [:]
            for (name, entry) in contents.metrics { versions["metric:\(name)"] = entry.version }
            for (name, entry) in contents.tags { versions["tag:\(name)"] = entry.version }
            return versions
        }
    }

    /// Adds definitions (older versions than those known are ignored); returns whether
    /// anything changed.
    @discardableResult
    public func update(metrics: [DefinitionSet.Versioned<MetricDefinition>] = [], tags: [DefinitionSet.Versioned<TagDefinition>] = []) -> Bool {
        contents.withLock { contents in
            var changed = false
            for entry in metrics where entry.version > (contents.metrics[entry.definition.name]?.version ?? 0) {
                contents.metrics[entry.definition.name] = entry
                changed = true
            }
            for entry in tags where entry.version > (contents.tags[entry.definition.name]?.version ?? 0) {
                contents.tags[entry.definition.name] = entry
                changed = true
            }
            if changed { recompile(&contents) }
            return changed
        }
    }

    /// The models tags may read (`model.<name>.score|cluster`): every model in the registry.
    /// A tag reading a model not in it is left out with the type checker's error and position.
    @discardableResult
    public func update(models: Set<String>) -> Bool {
        contents.withLock { contents in
            guard contents.validator.models != models else { return false }
            contents.validator.models = models
            recompile(&contents)
            return true
        }
    }

    private func recompile(_ contents: inout Contents) {
        contents.compiled = DefinitionSet(
            metrics: Array(contents.metrics.values), tags: Array(contents.tags.values), validator: contents.validator, timeTickMs: timeTickMs)
        contents.generation += 1
    }

    public enum ControlMessageError: Error, CustomStringConvertible {
        case malformed(String)
        public var description: String {
            switch self { case .malformed(let why): "malformed control message: \(why)" }
        }
    }

    /// Applies one `portrait.control` message (`{"kind","name","status","version","definition"}`).
    @discardableResult
    public func apply(controlMessage bytes: [UInt8]) throws(ControlMessageError) -> Bool {
        struct Header: Decodable { var kind: String; var status: DefinitionStatus; var version: Int }
        struct Envelope<D: Decodable>: Decodable { var definition: D }
        let data = Data(bytes)
        do {
            let header = try JSONDecoder().decode(Header.self, from: data)
            switch header.kind {
            case "metric":
                var definition = try JSONDecoder().decode(Envelope<MetricDefinition>.self, from: data).definition
                definition.status = header.status
                return update(metrics: [.init(definition, version: header.version)])
            case "tag":
                var definition = try JSONDecoder().decode(Envelope<TagDefinition>.self, from: data).definition
                definition.status = header.status
                return update(tags: [.init(definition, version: header.version)])
            default:
                return false  // kinds this processor does not compute (models come later)
            }
        } catch {
            throw .malformed(String(describing: error))
        }
    }
}
