import ArgumentParser
import Foundation
import JSON
import PortraitAPI

struct SegmentsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List saved segments with their latest measured size.")
    @OptionGroup var options: SegmentOptions

    func run() throws {
        let queries = try options.open()
        try reportingSegmentErrors {
            let segments = try queries.list()
            guard !options.json else { return print(JSONValue.object(["segments": segments]).jsonText) }
            for segment in segments.items {
                let size = segment["latest_size"]?["size"]?.text ?? "-"
                print([segment["name"], segment["status"], segment["version"].map { .string("v" + $0.text) }, .string("size \(size)"), segment["expression"]]
                    .map { $0?.text ?? "" }.joined(separator: "\t"))
            }
        }
    }
}

struct SegmentsShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a saved segment, its versions and its sizes over time.")
    @OptionGroup var options: SegmentOptions
    @Argument(help: "The segment's name.") var name: String

    func run() throws {
        let queries = try options.open()
        try reportingSegmentErrors {
            guard let segment = try queries.show(name) else { throw CleanExit.message("error: no segment named \(name)", code: 1) }
            guard !options.json else { return print(segment.jsonText) }
            for field in ["name", "status", "version", "expression", "description", "created_at", "updated_at"] {
                print("\(field):\t\(segment[field]?.text ?? "")")
            }
            print("versions:")
            for version in segment["versions"]?.items ?? [] {
                print("  v\(version["version"]?.text ?? "")\t\(version["created_at"]?.text ?? "")\t\(version["author"]?.text ?? "")\t\(version["expression"]?.text ?? "")")
            }
            print("sizes:")
            for size in segment["sizes"]?.items ?? [] {
                print("  \(size["measured_at"]?.text ?? "")\tv\(size["version"]?.text ?? "")\t\(size["size"]?.text ?? "") of \(size["population"]?.text ?? "?")")
            }
        }
    }
}

struct SegmentsSave: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Save an expression under a name: a new segment, or the next version of an existing one.")
    @OptionGroup var options: SegmentOptions
    @Argument(help: "The segment's name: lowercase letters, digits and '_', starting with a letter.") var name: String
    @Argument(help: "The tag expression.") var expression: String
    @Option(help: "What the segment is for.") var description: String?
    @Option(help: "Who makes the change (recorded with the version). Default: cli:$USER.")
    var author = "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown")

    func run() throws {
        let queries = try options.open()
        try reportingSegmentErrors {
            let (segment, created) = try queries.save(name: name, expression: expression, description: description, author: author)
            guard !options.json else { return print(segment.jsonText) }
            print("\(created ? "created" : "updated") segment \(name) v\(segment["version"]?.text ?? "")")
        }
    }
}

extension JSONValue {
    var items: [JSONValue] {
        if case .array(let items) = self { items } else { [] }
    }

    /// A scalar as a person reads it (strings unquoted, null empty).
    var text: String {
        switch self {
        case .null: ""
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(format: "%.4g", number)
        case .bool(let flag): String(flag)
        case .array, .object: jsonText
        }
    }
}
