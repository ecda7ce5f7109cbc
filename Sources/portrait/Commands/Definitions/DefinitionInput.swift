import ArgumentParser
import Foundation
import PortraitCore
import Yams

/// Flags that describe one definition kind; the set ones override fields read from `--file`.
protocol DefinitionFields: ParsableArguments {
    associatedtype Definition: Codable
    /// The flags given, as definition field names → values.
    var given: [String: String] { get }
}

/// Builds a definition from an optional YAML/JSON file plus flags, so the CLI and files share
/// one shape (the JSON the store and the API use).
enum DefinitionInput {
    /// `current` with the fields from `file` and flags laid over it.
    static func merging<Fields: DefinitionFields>(_ current: Fields.Definition, file: String?, fields: Fields) throws -> Fields.Definition {
        let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any] ?? [:]
        return try definition(file: file, fields: fields, base: base)
    }

    static func definition<Fields: DefinitionFields>(file: String?, fields: Fields, name: String? = nil, base: [String: Any] = [:]) throws -> Fields.Definition {
        var object = base
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ValidationError("cannot read \(file): \(error.localizedDescription)")
            }
            guard let loaded = try Yams.load(yaml: text) as? [String: Any] else { throw ValidationError("\(file) must hold one mapping of fields") }
            object.merge(loaded) { $1 }
        }
        for (key, value) in fields.given { object[key] = value }
        if let name { object["name"] = name }
        do {
            let data = try JSONSerialization.data(withJSONObject: object.mapValues { value -> Any in
                if let number = value as? Int { return String(number) }  // YAML `window: 7d` stays text; numbers too
                return value
            })
            return try JSONDecoder().decode(Fields.Definition.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw ValidationError("missing field '\(key.stringValue)' (give --\(key.stringValue) or put it in --file)")
        } catch let DecodingError.dataCorrupted(context) {
            throw ValidationError("invalid \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)")
        } catch {
            throw ValidationError("invalid definition: \(error)")
        }
    }
}

struct MetricFields: DefinitionFields {
    typealias Definition = MetricDefinition
    @Option(help: "Event filter in TagLang over event.* (default: true).") var filter: String?
    @Option(help: "count, sum, min, max, avg, distinct, first_seen, last_seen, last_value.") var aggregation: String?
    @Option(help: "Event field to aggregate.") var field: String?
    @Option(help: "1h, 1d, 7d, 30d, 90d or lifetime.") var window: String?
    @Option(help: "What the metric means.") var description: String?
    @Option(help: "Owning team or person.") var owner: String?
    @Option(help: "draft, active or retired.") var status: String?

    var given: [String: String] {
        ["filter": filter, "aggregation": aggregation, "field": field, "window": window, "description": description, "owner": owner, "status": status]
            .compactMapValues { $0 }
    }
}

struct TagFields: DefinitionFields {
    typealias Definition = TagDefinition
    @Option(help: "TagLang expression.") var expression: String?
    @Option(help: "boolean or enumerated.") var kind: String?
    @Option(help: "Category path, e.g. commerce/loyalty.") var category: String?
    @Option(help: "What the tag means.") var description: String?
    @Option(help: "Owning team or person.") var owner: String?
    @Option(help: "draft, active or retired.") var status: String?

    var given: [String: String] {
        ["expression": expression, "kind": kind, "category": category, "description": description, "owner": owner, "status": status]
            .compactMapValues { $0 }
    }
}
