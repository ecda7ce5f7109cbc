import ArgumentParser

/// A role or admin area whose implementation lands with a later issue. Each says which, and
/// exits with status 2 so scripts cannot mistake it for success.
protocol PlannedCommand: ParsableCommand {
    static var arrivesWith: String { get }
}

extension PlannedCommand {
    func run() throws {
        throw CleanExit.message("portrait \(Self.configuration.commandName ?? ""): not yet — arrives with \(Self.arrivesWith)", code: 2)
    }
}

struct SegmentsCommand: PlannedCommand {
    static let configuration = CommandConfiguration(commandName: "segments", abstract: "Count, export and save audience segments.")
    static let arrivesWith = "the API issue (#8)"
}
