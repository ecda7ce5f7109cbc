import Foundation
import JSON
import PortraitProcessor

/// A stored profile hash as the API shows it, from its flat form (``ProfileHash/flatFields(_:)``):
/// `a.*` attributes, `m.*` metrics, `t.*` tags, `_updated` as an ISO 8601 time. Fences (`f.*`)
/// and other internal fields never appear.
struct ProfileDocument {
    enum Section: String, CaseIterable {
        case attributes, metrics, tags

        /// The hash section shown here.
        var stored: ProfileHash.Section {
            switch self {
            case .attributes: .attributes
            case .metrics: .metrics
            case .tags: .tags
            }
        }

        var fieldPrefix: String { stored.flatPrefix }
    }

    /// Parses `?fields=attributes,tags`; all sections when absent.
    static func sections(_ text: String?) throws -> [Section] {
        guard let text else { return Section.allCases }
        var sections: [Section] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let section = Section(rawValue: name) else {
                throw APIError.badRequest("fields takes attributes, metrics and tags separated by commas; got '\(name)'", field: "fields")
            }
            if !sections.contains(section) { sections.append(section) }
        }
        return sections
    }

    /// `{"user_id","attributes","metrics","tags","updated_at"}` for the sections asked.
    static func json(userId: String, fields: [String: String], sections: [Section]) -> JSONValue {
        var document: [String: JSONValue] = ["user_id": .string(userId)]
        for section in sections {
            var values: [String: JSONValue] = [:]
            for (field, text) in fields where field.hasPrefix(section.fieldPrefix) {
                values[String(field.dropFirst(2))] = JSONValue.parsing(stored: text, booleans: section == .tags)
            }
            document[section.rawValue] = .object(values)
        }
        document["updated_at"] = fields["_updated"].flatMap(Int64.init).map { .string(TimestampText.iso8601(milliseconds: $0)) } ?? .null
        return .object(document)
    }
}
