import MySQL
import PortraitCore

/// A definition kind the store can keep: which tables, and which columns besides the JSON body.
/// Column names are constants from this file, never user input; values are always parameters.
public protocol StorableDefinition: Codable, Sendable {
    static var kindName: String { get }
    static var table: String { get }
    static var versionsTable: String { get }
    var name: String { get }
    var status: DefinitionStatus { get set }
    var headerColumns: [(String, MySQLValue)] { get }
    var versionColumns: [(String, MySQLValue)] { get }
    /// Checks the definition against the validator and what the store holds.
    func validate(using validator: DefinitionValidator, store: DefinitionStore) throws
    /// The metric a backfill must give its past once this version replaces `previous`, if any.
    func metricNeedingBackfill(replacing previous: Self?) -> String?
}

extension StorableDefinition {
    /// Only metrics have a past to backfill: tags are functions of metrics and attributes,
    /// re-evaluated for every profile when they change.
    public func metricNeedingBackfill(replacing previous: Self?) -> String? { nil }
}

extension MetricDefinition: StorableDefinition {
    public func metricNeedingBackfill(replacing previous: MetricDefinition?) -> String? {
        needsBackfill(replacing: previous) ? name : nil
    }

    public static let kindName = "metric"
    public static let table = "metric_definitions"
    public static let versionsTable = "metric_definition_versions"
    public var headerColumns: [(String, MySQLValue)] {
        [("description", description.map(MySQLValue.string) ?? .null), ("owner", owner.map(MySQLValue.string) ?? .null)]
    }
    public var versionColumns: [(String, MySQLValue)] { [] }
}

extension TagDefinition: StorableDefinition {
    public static let kindName = "tag"
    public static let table = "tag_definitions"
    public static let versionsTable = "tag_definition_versions"
    public var headerColumns: [(String, MySQLValue)] {
        [("description", description.map(MySQLValue.string) ?? .null), ("owner", owner.map(MySQLValue.string) ?? .null),
         ("category_path", .string(categoryPath)), ("kind", .string(kind.rawValue))]
    }
    public var versionColumns: [(String, MySQLValue)] {
        headerColumns + [("expression", .string(expression))]
    }
}
