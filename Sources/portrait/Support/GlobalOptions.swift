import ArgumentParser
import Foundation
import Logging
import PortraitConfig

/// Options every command that talks to the services shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: config/portrait.yaml when present; env PORTRAIT_CONFIG).")
    var config: String?

    /// Loads and validates configuration, then sets up logging and metrics once for the process.
    /// The configuration file this process reads.
    var configurationPath: String {
        config ?? ProcessInfo.processInfo.environment["PORTRAIT_CONFIG"] ?? "config/portrait.yaml"
    }

    func bootstrap() throws -> PortraitConfiguration {
        let path = configurationPath
        let configuration: PortraitConfiguration
        do {
            configuration = try PortraitConfiguration.load(path: path)
        } catch {
            throw CleanExit.message("error: \(error)", code: 78)  // EX_CONFIG
        }
        Observability.bootstrap(configuration)
        return configuration
    }
}

extension CleanExit {
    /// Ends the process with one line on stderr and a non-zero status: no stack trace, no usage text.
    static func message(_ text: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data((text + "\n").utf8))
        return ExitCode(code)
    }
}
