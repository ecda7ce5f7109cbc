import Foundation
import Hummingbird
import HummingbirdTesting
import PortraitAPI
import Testing

extension APIServiceTests {
    /// A console directory with three files, and next to it a file the console must never serve
    /// (reachable only through `..` or through the symlink planted inside).
    static func makeConsoleDirectory() throws -> (console: URL, secret: URL) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-console-\(UUID().uuidString)")
        let console = base.appendingPathComponent("console")
        try FileManager.default.createDirectory(at: console, withIntermediateDirectories: true)
        try "<!doctype html><title>console</title>".write(to: console.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "console.log('app')".write(to: console.appendingPathComponent("app.js"), atomically: true, encoding: .utf8)
        try "body { margin: 0 }".write(to: console.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: console.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let secret = base.appendingPathComponent("secret.txt")
        try "secret".write(to: secret, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: console.appendingPathComponent("escape.txt"), withDestinationURL: secret)
        return (console, secret)
    }

    /// Runs `body` against the application with the console served from `directory`.
    static func withConsole(_ env: APITestEnvironment, directory: String?, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = env.configuration()
        configuration.consoleDirectory = directory
        try await makeAPIApplication(configuration: configuration).test(.router, body)
    }

    @Test func consoleServesItsFilesWithTheirTypesAndNoKey() async throws {
        let env = try APITestEnvironment()
        let (console, _) = try Self.makeConsoleDirectory()
        defer { try? FileManager.default.removeItem(at: console.deletingLastPathComponent()) }
        try await Self.withConsole(env, directory: console.path) { client in
            for (uri, type, text) in [
                ("/console/", "text/html; charset=utf-8", "<title>console</title>"),
                ("/console/app.js", "text/javascript; charset=utf-8", "console.log('app')"),
                ("/console/style.css", "text/css; charset=utf-8", "body { margin: 0 }"),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.contentType] == type, "\(uri)")
                    #expect(String(buffer: response.body).contains(text), "\(uri)")
                }
            }
            for uri in ["/", "/console"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .seeOther, "\(uri)")
                    #expect(response.headers[.location] == "/console/", "\(uri)")
                }
            }
        }
    }

    @Test func consoleRefusesPathsOutsideItsDirectory() async throws {
        let env = try APITestEnvironment()
        let (console, _) = try Self.makeConsoleDirectory()
        defer { try? FileManager.default.removeItem(at: console.deletingLastPathComponent()) }
        try await Self.withConsole(env, directory: console.path) { client in
            let attempts = [
                "/console/..%2Fsecret.txt", "/console/%2E%2E%2Fsecret.txt", "/console/%2E%2E", "/console/..",
                "/console/../secret.txt", "/console/sub%2F..%2F..%2Fsecret.txt", "/console/escape.txt", "/console/.hidden",
                "/console/..%5Csecret.txt", "/console/sub",
            ]
            for uri in attempts {
                let (status, answer) = try await client.call(.get, uri, auth: nil)
                #expect((400..<500).contains(status.code), "\(uri) → \(status)")
                #expect(answer.errorCode != nil, "\(uri)")
            }
            let (missing, answer) = try await client.call(.get, "/console/nothing.js", auth: nil)
            #expect(missing == .notFound)
            #expect(answer.errorCode == "not_found")
        }
    }

    @Test func consoleOffAnswers404AndChartJSComesFromDebian() async throws {
        let env = try APITestEnvironment()
        try await Self.withConsole(env, directory: nil) { client in
            for uri in ["/", "/console", "/console/", "/console/index.html", "/console/vendor/chart.js"] {
                let (status, answer) = try await client.call(.get, uri, auth: nil)
                #expect(status == .notFound, "\(uri)")
                #expect((answer.error["message"] as? String)?.contains("console is off") == true, "\(uri)")
            }
        }
        // The shipped console: its page and scripts, and Chart.js when libjs-chart.js is installed.
        let shipped = APITestEnvironment.root.appendingPathComponent("web-api/console").path
        try await Self.withConsole(env, directory: shipped) { client in
            for uri in ["/console/", "/console/app.js", "/console/style.css"] {
                #expect(try await client.call(.get, uri, auth: nil).0 == .ok, "\(uri)")
            }
            let installed = FileManager.default.fileExists(atPath: "/usr/share/javascript/chart.js/chart.min.js")
            try await client.execute(uri: "/console/vendor/chart.js", method: .get) { response in
                if installed {
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                    #expect(String(buffer: response.body).contains("Chart.js"))
                } else {
                    #expect(response.status == .notFound)
                    #expect(String(buffer: response.body).contains("libjs-chart.js"))
                }
            }
        }
    }
}
