import ArgumentParser
import Foundation
import MySQL
import PortraitAPI
import Redis

/// `portrait segments`: the API's segment operations from a shell, through the same code
/// (`SegmentQueries`), so a count, an export or a saved segment is the same either way.
struct SegmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments", abstract: "Count, export, portray and save audience segments (tag expressions).",
        discussion: """
            Expressions are those of POST /v1/segments:count: tag.x, tag.x == "v", tag.x in ["a","b"], and, or, not,
            parentheses, over active tags; `true` is everyone.
            """,
        subcommands: [SegmentsCount.self, SegmentsExport.self, SegmentsPortrait.self, SegmentsList.self, SegmentsShow.self, SegmentsSave.self])
}

/// Options every segments subcommand shares.
struct SegmentOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the API's JSON document instead of text.")
    var json = false

    /// The queries on the configured MySQL and Redis.
    func open() throws -> SegmentQueries {
        let configuration = try global.bootstrap()
        do {
            return SegmentQueries(mysql: try MySQLConnection(configuration: configuration.mysql), redis: RedisClient(configuration: configuration.redis, connectionsPerEventLoop: 1))
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}

/// Runs `body`, turning the API's refusals into `error: …` naming the field (status 64) and
/// service failures into status 1.
func reportingSegmentErrors(_ body: () throws -> Void) throws {
    do { try body() } catch {
        try segmentFailure(error)
    }
}

/// The same for the commands that read bitmaps through the async client.
func reportingSegmentErrors(_ body: () async throws -> Void) async throws {
    do { try await body() } catch {
        try segmentFailure(error)
    }
}

private func segmentFailure(_ error: any Error) throws {
    do { throw error } catch let error as APIError {
        var location = error.field.map { [$0] } ?? []
        if let line = error.line, let column = error.column { location.append("line \(line), column \(column)") }
        let suffix = location.isEmpty ? "" : " (\(location.joined(separator: ", ")))"
        throw CleanExit.message("error: \(error.message)\(suffix)", code: error.status.code == 404 ? 1 : 64)
    } catch let error as MySQLError {
        throw CleanExit.message("error: \(error)", code: 1)
    } catch let error as RedisError {
        throw CleanExit.message("error: \(error)", code: 1)
    }
}
