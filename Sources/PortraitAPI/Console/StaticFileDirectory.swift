import Foundation
import Hummingbird

/// A directory whose regular files are sent as they are. A name is one plain path component
/// (no `/`, no leading `.`, so no `..`), and the file it resolves to, symlinks followed, must
/// still lie inside the directory: nothing else on the disk can be reached through it.
struct StaticFileDirectory: Sendable {
    /// The directory, absolute and with symlinks resolved, so the prefix check compares like with like.
    let root: String

    init(path: String) {
        root = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The file `name` names, as a response; 400 for a name that is not a plain file name,
    /// 404 when there is no such regular file inside the directory.
    func response(for name: String) async throws -> Response {
        guard !name.isEmpty, !name.hasPrefix("."), !name.contains("/"), !name.contains("\\"), !name.contains("\0") else {
            throw APIError.badRequest("'\(name)' is not a file name", field: "file")
        }
        let resolved = URL(fileURLWithPath: root).appendingPathComponent(name).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { throw APIError.notFound("no file \(name)") }
        return try await Self.response(path: resolved, name: name)
    }

    /// A regular file's bytes with the content type its extension implies; 404 when absent.
    static func response(path: String, name: String, missing: String? = nil) async throws -> Response {
        let bytes = try await BlockingWork.run { () -> Data? in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return FileManager.default.contents(atPath: path)
        }
        guard let bytes else { throw APIError.notFound(missing ?? "no file \(name)") }
        return Response(
            status: .ok,
            headers: [.contentType: contentType(of: name), .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// By extension; browsers refuse ES modules and style sheets sent with the wrong type.
    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last.map({ $0.lowercased() }) {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
