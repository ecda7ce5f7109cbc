import ArgumentParser
import PortraitConfig

/// `portrait config`: validates the configuration and prints where each key comes from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate the configuration and list every key with its environment variable (secrets hidden).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        _ = try global.bootstrap()
        print("configuration is valid")
        for key in ConfigurationKey.all {
            print("\(key.name) (\(ConfigurationKey.environmentVariable(for: key.name)))\(key.isSecret ? " [secret]" : "") default: \(key.isSecret ? "***" : key.defaultValue)")
        }
    }
}
