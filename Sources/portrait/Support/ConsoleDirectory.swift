import ArgumentParser
import Foundation
import Logging

/// The web console's directory as `serve` and `demo` hand it to the API.
enum ConsoleDirectory {
    /// Relative to the working directory, like `web-api/openapi.yaml`.
    static let defaultPath = "web-api/console"

    /// The absolute directory to serve: `given`, or the default when it exists. A missing default
    /// only turns the console off (the API works without it); a missing `--console` is an error.
    static func resolve(_ given: String?, logger: Logger) throws -> String? {
        let path = given ?? defaultPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            if given != nil { throw CleanExit.message("error: the console directory \(path) does not exist", code: 66) }
            logger.warning("no web console: \(defaultPath) is not in the working directory")
            return nil
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
