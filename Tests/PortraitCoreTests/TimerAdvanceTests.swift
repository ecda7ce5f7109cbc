@testable import PortraitCore
import TagLang
import Testing

/// `advanceThroughTimers` moves through every due timer in one step: the state (and the count
/// of timers) must be what firing them one by one gives, for windows of every bucket size and
/// with a tag that reads the time (so the hourly ticks are timers too).
@Suite struct TimerAdvanceTests {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func definitions(timeTag: Bool) -> DefinitionSet {
        let windows = ["1h", "1d", "7d", "30d", "lifetime"]
        let metrics = windows.enumerated().map { index, window in
            MetricDefinition(
                name: "m\(index)", filter: "event.type == 'purchase'", aggregation: index % 2 == 0 ? .count : .sum,
                field: index % 2 == 0 ? nil : "amount", window: try! MetricWindow(parsing: window), status: .active)
        } + [MetricDefinition(name: "last", filter: "true", aggregation: .lastSeen, field: nil, window: try! MetricWindow(parsing: "30d"), status: .active)]
        var tags = [TagDefinition(name: "busy", kind: .boolean, expression: "metric.m1 >= 2", status: .active)]
        if timeTag { tags.append(TagDefinition(name: "lapsed", kind: .boolean, expression: "days_since(metric.last) > 3", status: .active)) }
        return DefinitionSet(
            metrics: metrics.map { .init($0, version: 1) }, tags: tags.map { .init($0, version: 1) }, validator: DefinitionValidator())
    }

    /// A deterministic generator (the test must fail the same way every run).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int64) -> Int64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int64((state >> 33) % UInt64(bound))
        }
    }

    @Test(arguments: [false, true])
    func oneStepEqualsFiringEachTimer(timeTag: Bool) {
        let evaluator = ProfileEvaluator(definitions: Self.definitions(timeTag: timeTag))
        var random = Generator(state: timeTag ? 7 : 3)
        for round in 0..<40 {
            var state = ProfileState(userId: "u\(round)")
            var time = 100 * Self.day + random.next(Self.day)
            for _ in 0..<(1 + random.next(12)) {
                time += random.next(2 * Self.day)
                var fields: NamedValues = ["type": .string(random.next(2) == 0 ? "purchase" : "view"), "user_id": .string(state.userId), "ts": .timestamp(time)]
                fields["amount"] = .number(Double(1 + random.next(50)))
                evaluator.apply(.event(ProfileEvent(userId: state.userId, timestampMs: time, fields: fields)), to: &state)
            }
            evaluator.evaluate(&state)
            guard let first = state.nextTimerMs else { continue }
            let watermark = first + random.next(40 * Self.day)

            var stepped = state
            var fired = 0
            var next = first
            while true {
                evaluator.advance(&stepped, to: next)
                fired += 1
                evaluator.scheduleTimer(&stepped)
                guard let later = stepped.nextTimerMs, later <= watermark else { break }
                next = later
            }
            evaluator.evaluate(&stepped)

            var jumped = state
            let count = evaluator.advanceThroughTimers(&jumped, from: first, upTo: watermark)
            evaluator.evaluate(&jumped)
            #expect(jumped == stepped, "round \(round): one step from \(first) to \(watermark) differs from firing each timer")
            #expect(count == fired, "round \(round): \(count) timers counted, \(fired) fired one by one")
        }
    }
}
