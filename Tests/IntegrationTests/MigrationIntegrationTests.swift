import Foundation
import MySQL
import PortraitMetadata
import Testing

@Suite("Migrations against the dev MariaDB")
struct MigrationIntegrationTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("migrations").path

    @Test func applyCreatesTheSchemaAndIsANoOpTheSecondTime() throws {
        let db = try TestServices.scratchDatabase("migrate")
        let migrations = try Migration.load(directory: Self.directory)
        #expect(migrations.count >= 6)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        let runner = MigrationRunner(connection: db)
        let first = try runner.apply(migrations)
        #expect(first == migrations.map(\.version))
        let tables = Set(try db.query("SHOW TABLES").map { $0.values[0].description })
        for table in ["schema_migrations", "tag_definitions", "metric_definitions", "cdc_positions", "api_keys", "job_runs", "models"] {
            #expect(tables.contains(table), "missing \(table)")
        }
        let second = try runner.apply(migrations)
        #expect(second.isEmpty)
        #expect(try runner.appliedVersions() == migrations.map(\.version))
    }

    @Test func aFailingStatementIsReportedWithItsPlace() throws {
        let db = try TestServices.scratchDatabase("migrate_bad")
        let broken = Migration(version: 1, name: "broken", sql: "CREATE TABLE ok1 (id INT);\nCREATE TABLE (oops;\n")
        #expect { try MigrationRunner(connection: db).apply([broken]) } throws: { error in
            "\(error)".contains("migration 1_broken failed at statement 2")
        }
        #expect(try MigrationRunner(connection: db).appliedVersions().isEmpty)
    }
}
