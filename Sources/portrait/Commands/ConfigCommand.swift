import ArgumentParser
import Foundation
import PortraitConfig

/// `portrait config`: validates the configuration and prints each key's effective value and
/// where it came from (environment, file or default), secrets redacted.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the configuration and list every key's effective value and its source (env, file, default); secrets redacted.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try global.bootstrap()
        let resolved: ResolvedSettings
        do {
            resolved = try PortraitConfiguration.resolve(path: global.configurationPath)
        } catch {
            throw CleanExit.message("error: \(error)", code: 78)
        }
        print("configuration is valid")
        for setting in resolved.settings {
            let variable = ConfigurationKey.environmentVariable(for: setting.key.name)
            print("\(setting.key.name) = \(setting.printableValue)  (\(setting.source); \(variable))\(setting.key.isSecret ? " [secret]" : "")")
        }
    }
}
