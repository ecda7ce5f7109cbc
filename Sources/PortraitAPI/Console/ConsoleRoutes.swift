import Hummingbird

/// The web console: `/console/` serves `index.html` and `/console/{file}` the other files of
/// ``APIConfiguration/consoleDirectory`` (one flat directory, so each file is one path template
/// in the OpenAPI document); `/console/vendor/chart.js` is Chart.js from Debian's
/// libjs-chart.js. No key is needed for the files; the data the console loads needs one.
enum ConsoleRoutes {
    /// Where Debian's libjs-chart.js puts the self-contained (UMD) build.
    static let chartJSPath = "/usr/share/javascript/chart.js/chart.min.js"

    static func register(_ routes: APIRoutes, directory: String?) {
        let files = directory.map(StaticFileDirectory.init(path:))
        let off = APIError.notFound("the web console is off (portrait serve --console DIR turns it on)")
        routes.get("/", role: nil) { _, _ in
            guard files != nil else { throw off }
            return .redirect(to: "/console/")
        }
        routes.get("/console", role: nil) { request, _ in
            guard let files else { throw off }
            // The router matches `/console/` here too; the page's relative URLs need the slash.
            guard request.uri.path.hasSuffix("/") else { return .redirect(to: "/console/") }
            return try await files.response(for: "index.html")
        }
        routes.get("/console/{file}", role: nil) { _, context in
            guard let files else { throw off }
            return try await files.response(for: try context.parameter("file"))
        }
        routes.get("/console/vendor/chart.js", role: nil) { _, _ in
            guard files != nil else { throw off }
            return try await StaticFileDirectory.response(
                path: chartJSPath, name: "chart.js",
                missing: "Chart.js is not installed (\(chartJSPath)): apt-get install libjs-chart.js, or scripts/services up")
        }
    }
}
