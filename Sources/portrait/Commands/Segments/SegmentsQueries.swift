import ArgumentParser
import Foundation
import JSON
import PortraitAPI
import PortraitProcessor

struct SegmentsCount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "count", abstract: "Count the users matching an expression.")
    @OptionGroup var options: SegmentOptions
    @Argument(help: "The tag expression.") var expression: String

    func run() async throws {
        let queries = try options.open()
        try await reportingSegmentErrors {
            let count = try await queries.count(expression)
            print(options.json ? JSONValue.object(["count": .integer(count)]).jsonText : String(count))
        }
    }
}

struct SegmentsExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the ids of the users matching an expression, one a line, in dense-id order (streamed page by page).")
    @OptionGroup var options: SegmentOptions
    @Argument(help: "The tag expression.") var expression: String
    @Option(help: "Ids read per page (1 to 10000).") var pageSize = 10_000

    func validate() throws {
        guard (1...10_000).contains(pageSize) else { throw ValidationError("--page-size must be from 1 to 10000") }
    }

    func run() async throws {
        let queries = try options.open()
        try await reportingSegmentErrors {
            try await queries.export(expression, pageSize: pageSize) { ids in
                guard !ids.isEmpty else { return }
                FileHandle.standardOutput.write(Data((ids.joined(separator: "\n") + "\n").utf8))
            }
        }
    }
}

struct SegmentsPortrait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portrait", abstract: "The group portrait of a segment beside the whole population, as a table.")
    @OptionGroup var options: SegmentOptions
    @Argument(help: "The tag expression.") var expression: String
    @Option(help: "Mapping whose categorical attributes are drawn (default: config/profiles.yaml).") var mapping: String?
    @Option(parsing: .upToNextOption, help: "Active metrics to draw (default all).") var metrics: [String] = []
    @Option(help: "Profiles sampled from the segment and from the population.") var sampleSize = 1_000
    @Option(help: "Histogram bins per metric.") var bins = 10

    func run() async throws {
        let queries = try options.open()
        let profileMapping: ProfileMapping
        do { profileMapping = try ProcessorSetup.loadMapping(path: mapping) } catch { throw CleanExit.message("error: \(error)", code: 78) }
        let attributes = SegmentQueries.categoricalAttributes(of: profileMapping)
        try await reportingSegmentErrors {
            let portrait = try await queries.portrait(
                expression, metrics: metrics.isEmpty ? nil : metrics, attributes: attributes, sampleSize: sampleSize, bins: bins)
            print(options.json ? portrait.jsonText : PortraitTable(portrait).text, terminator: options.json ? "\n" : "")
        }
    }
}
