import Foundation
import MySQL
import PortraitCore
import PortraitMetadata
import Testing

@Suite("Definition store against the dev MariaDB", .serialized)
struct DefinitionStoreIntegrationTests {
    func freshStore(_ name: String) throws -> DefinitionStore {
        let db = try TestServices.scratchDatabase(name)
        try MigrationRunner(connection: db).apply(try Migration.load(directory: MigrationIntegrationTests.directory))
        return DefinitionStore(connection: db)
    }

    @Test func everyChangeIsANewImmutableVersion() throws {
        let store = try freshStore("defs_versions")
        let metric = MetricDefinition(name: "purchases_7d", filter: "event.type == 'purchase'", aggregation: .count, window: try MetricWindow(parsing: "7d"))
        let created = try store.create(metric, author: "ana")
        #expect(created.version == 1)
        #expect(created.definition == metric)

        var wider = metric
        wider.window = try MetricWindow(parsing: "30d")
        #expect(try store.update(wider, author: "bo", note: "wider window").version == 2)
        let active = try store.setStatus(MetricDefinition.self, named: "purchases_7d", to: .active, author: "ana")
        #expect(active.version == 3)
        #expect(active.definition.status == .active)
        #expect(active.definition.window == (try MetricWindow(parsing: "30d")))

        let history = try store.history(MetricDefinition.self, named: "purchases_7d")
        #expect(history.map(\.version) == [1, 2, 3])
        #expect(history.map(\.author) == ["ana", "bo", "ana"])
        #expect(history[0].definition == metric)  // the first version is untouched
        #expect(history[1].note == "wider window")
        #expect(try store.list(MetricDefinition.self, status: .active).map(\.definition.name) == ["purchases_7d"])
        #expect(try store.list(MetricDefinition.self, status: .draft).isEmpty)
    }

    @Test func tagsKeepTheirCatalogueColumns() throws {
        let store = try freshStore("defs_tags")
        let tag = TagDefinition(name: "vip", categoryPath: "commerce/loyalty", kind: .boolean, expression: "attr.age > 3", description: "big spenders", owner: "crm")
        try store.create(tag, author: "ana")
        let stored = try #require(try store.current(TagDefinition.self, named: "vip"))
        #expect(stored.definition == tag)
        #expect(try store.setStatus(TagDefinition.self, named: "vip", to: .retired, author: "ana").definition.status == .retired)
        #expect(try store.list(TagDefinition.self).map(\.version) == [2])
    }

    @Test func duplicatesAndMissingNamesAreClearErrors() throws {
        let store = try freshStore("defs_errors")
        let tag = TagDefinition(name: "t", expression: "true")
        try store.create(tag, author: "a")
        #expect { try store.create(tag, author: "a") } throws: { error in
            (error as? DefinitionStoreError) == .alreadyExists(kind: "tag", name: "t")
        }
        #expect { try store.update(TagDefinition(name: "nope", expression: "true"), author: "a") } throws: { error in
            (error as? DefinitionStoreError) == .notFound(kind: "tag", name: "nope")
        }
        #expect(try store.current(TagDefinition.self, named: "nope") == nil)
        let hostile = TagDefinition(name: "x", expression: "attr.city == '\\'); DROP TABLE tag_definitions; --'")
        try store.create(hostile, author: "robert'); DROP TABLE x; --")
        #expect(try store.current(TagDefinition.self, named: "x")?.definition == hostile)
    }
}
