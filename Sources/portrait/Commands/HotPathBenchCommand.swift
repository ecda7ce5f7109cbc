import ArgumentParser
import Foundation
import PortraitCore
import PortraitProcessor

/// `portrait bench hot-path`: the processor's CPU work per event, phase by phase, on one core
/// with no I/O (``ProcessorHotPath``): the figure to compare before and after a change to
/// decoding, folding or building writes, where the whole benchmarks' noise hides a few percent.
struct HotPathBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hot-path",
        abstract: "Decode, fold and build the writes of generated events in memory; prints one JSON line.")

    @Option(help: "Event messages.") var events = 1_000_000
    @Option(help: "Distinct users.") var users = 100_000
    @OptionGroup var definitionOptions: BenchDefinitionOptions
    @Option(help: "Runs; each phase's fastest is printed.") var runs = 5
    @Option(help: "Hours of event time the events span (168: a week's backlog; a live minute is about 0.017).") var spanHours = 168.0

    func run() throws {
        guard events > 0, users > 0, runs > 0, spanHours >= 0 else { throw ValidationError("--events, --users and --runs must be positive, --span-hours not negative") }
        let definitions = try definitionOptions.catalog().current.definitions
        // The same messages every run: a fixed sequence, not the system's random numbers.
        var seed: UInt64 = 7
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        let span = Int64(spanHours * 3_600_000)
        let start: Int64 = 1_767_225_600_000
        let messages = (0..<events).map { index in
            Array(BenchEvents.message(index: index, user: String(next(users)), ts: start + span * Int64(index) / Int64(events), amount: 5 + next(296)).utf8)
        }
        var best: ProcessorHotPath.Timings?
        for _ in 0..<runs {
            let timings = ProcessorHotPath.run(messages: messages, topicPrefix: "bench", definitions: definitions)
            best = best?.fastest(timings) ?? timings
        }
        guard let best else { return }
        printBenchmarkLine([
            ("bench", "hot_path"), ("events", events), ("users", users), ("metrics", definitionOptions.metrics), ("tags", definitionOptions.tags), ("runs", runs), ("span_hours", spanHours),
            ("decode_ns_per_event", best.decodeNs), ("fold_ns_per_event", best.foldNs),
            ("evaluate_ns_per_user", best.evaluateNsPerUser), ("live_fold_ns_per_event", best.liveFoldNs), ("write_ns_per_event", best.writeNs), ("command_bytes_per_user", best.commandBytesPerUser),
        ])
    }
}
