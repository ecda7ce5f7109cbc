import ArgumentParser
import Foundation
import MySQL
import PortraitAPI

/// `portrait keys`: API keys for `portrait serve`.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke API keys (roles: reader, collector, admin).",
        subcommands: [KeysCreate.self, KeysList.self, KeysRevoke.self])
}

extension APIRole: ExpressibleByArgument {}

/// Opens the key store from the global options, turning failures into one line.
private func keyStore(_ global: GlobalOptions) throws -> APIKeyStore {
    let configuration = try global.bootstrap()
    do { return APIKeyStore(connection: try MySQLConnection(configuration: configuration.mysql)) } catch {
        throw CleanExit.message("error: \(error)", code: 1)
    }
}

/// Runs `body`, turning the store's errors into one line and a status.
private func reportingKeyErrors(_ body: () throws -> Void) throws {
    do { try body() } catch let error as APIKeyStoreError {
        throw CleanExit.message("error: \(error)", code: 1)
    } catch let error as MySQLError {
        throw CleanExit.message("error: \(error)", code: 1)
    }
}

struct KeysCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a key and print it once (only its SHA-256 is stored).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "A name to list and revoke the key by.") var name: String
    @Option(help: "reader, collector or admin.") var role: APIRole
    @Option(help: "Who creates it (recorded). Default: $USER.") var createdBy: String = ProcessInfo.processInfo.environment["USER"] ?? "cli"

    func run() throws {
        let store = try keyStore(global)
        try reportingKeyErrors {
            let key = try store.create(name: name, role: role, createdBy: createdBy)
            print(key.text)
            FileHandle.standardError.write(Data("created \(role.rawValue) key '\(name)'; it is shown only this once\n".utf8))
        }
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys (never their secrets).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let store = try keyStore(global)
        try reportingKeyErrors {
            for record in try store.list() {
                let state = record.revokedAt.map { "revoked \($0)" } ?? "active"
                print("\(record.name)\t\(record.role.rawValue)\tpk_\(record.prefix)_…\tcreated \(record.createdAt)\t\(state)")
            }
        }
    }
}

struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke the active key with this name.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.") var name: String

    func run() throws {
        let store = try keyStore(global)
        try reportingKeyErrors {
            let count = try store.revoke(name: name)
            print("revoked \(count) key(s) named \(name)")
        }
    }
}
