import Foundation

/// Decompresses the gzip'd golden fixtures (next to this file) into a temporary directory once.
enum GoldenFixtures {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static let directory: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-golden-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    /// Path of the decompressed fixture `name` (e.g. `"W1.csv"`).
    static func path(_ name: String) throws -> String {
        let target = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: target.path) { return target.path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", fixturesDirectory.appendingPathComponent(name + ".gz").path]
        let partial = directory.appendingPathComponent(name + ".\(UUID().uuidString).partial")
        _ = FileManager.default.createFile(atPath: partial.path, contents: nil)
        let handle = try FileHandle(forWritingTo: partial)
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else { throw FixtureError.gzipFailed(name) }
        // Rename is atomic, so parallel tests never read a half-written file.
        _ = try? FileManager.default.moveItem(at: partial, to: target)
        try? FileManager.default.removeItem(at: partial)
        return target.path
    }

    /// The lines of a CSV file: header and sorted data rows.
    static func rows(atPath path: String) throws -> (header: String, rows: [String]) {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return ("", []) }
        let header = lines.removeFirst()
        return (header, lines.sorted())
    }

    enum FixtureError: Error { case gzipFailed(String) }
}
