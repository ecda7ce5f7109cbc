import ArgumentParser
import Foundation
import MySQL
import PortraitMetadata

/// `portrait migrate`: brings Portrait's metadata schema up to date.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply migrations/NNNN_*.sql to the metadata database (safe to run twice).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Folder of migration files (env PORTRAIT_MIGRATIONS_DIR).")
    var directory: String = ProcessInfo.processInfo.environment["PORTRAIT_MIGRATIONS_DIR"] ?? "migrations"

    func run() throws {
        let configuration = try global.bootstrap()
        let migrations: [Migration]
        do { migrations = try Migration.load(directory: directory) } catch {
            throw CleanExit.message("error: cannot read migrations in \(directory): \(error)", code: 66)
        }
        do {
            let connection = try MySQLConnection(configuration: configuration.mysql)
            let applied = try MigrationRunner(connection: connection).apply(migrations)
            print(applied.isEmpty
                ? "schema is up to date (\(migrations.count) migrations)"
                : "applied \(applied.count) migration(s): \(applied.map(String.init).joined(separator: ", "))")
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}
