import StreamEngine
import StreamEngineTesting
import Testing

@Suite struct SnapshotRestoreTests {
    static func events() -> [Click] {
        var events: [Click] = []
        var state: UInt64 = 42
        for index in 0..<2_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            events.append(Click(user: Int64(state >> 60), time: Int64(index * 37) + Int64((state >> 20) % 300)))
        }
        return events
    }

    /// Runs `events` through a fresh operator; with `snapshotAt`, the run is cut there, the
    /// state snapshotted and restored into a new operator that finishes the input.
    static func run<Op: KeyedOperator>(_ make: () -> Op, events: [Click], snapshotAt: Int?) throws -> [Op.Output]
    where Op.Input == Click, Op.Key == Int64 {
        var harness = KeyedOperatorTestHarness(make())
        var output: [Op.Output] = []
        var maxTime: Int64 = .min
        for (index, event) in events.enumerated() {
            if index == snapshotAt {
                output += harness.takeOutput()
                let bytes = harness.snapshot()
                harness = try KeyedOperatorTestHarness.restored(make(), from: bytes)
            }
            harness.processElement(event, key: event.user, timestamp: event.time)
            maxTime = max(maxTime, event.time)
            if index % 50 == 49 { harness.processWatermark(maxTime - 301) }
        }
        harness.processWatermark(Watermark.maximum)
        return output + harness.takeOutput()
    }

    @Test(arguments: [1, 777, 1_500])
    func tumblingRestoreMidStreamGivesTheSameOutput(cut: Int) throws {
        let make = { countOperator(TumblingEventTimeWindows(size: 1_000)) }
        let uninterrupted = try Self.run(make, events: Self.events(), snapshotAt: nil)
        let restored = try Self.run(make, events: Self.events(), snapshotAt: cut)
        #expect(!uninterrupted.isEmpty)
        #expect(restored.sorted() == uninterrupted.sorted())
    }

    @Test(arguments: [1, 777, 1_500])
    func sessionRestoreMidStreamGivesTheSameOutput(cut: Int) throws {
        let make = { sessionOperator(gap: 200) }
        let uninterrupted = try Self.run(make, events: Self.events(), snapshotAt: nil)
        let restored = try Self.run(make, events: Self.events(), snapshotAt: cut)
        #expect(restored.sorted() == uninterrupted.sorted())
    }

    @Test func stateCodecRoundTrips() throws {
        var encoder = StateEncoder()
        encoder.encode(Int64.min)
        encoder.encode([TimeWindow(start: -5, end: 10)])
        encoder.encode(["a": 1, "b": 2] as [String: Int64])
        encoder.encode(Optional<Int64>.none)
        var decoder = StateDecoder(encoder.bytes)
        #expect(try decoder.decode(Int64.self) == .min)
        #expect(try decoder.decode([TimeWindow].self) == [TimeWindow(start: -5, end: 10)])
        #expect(try decoder.decode([String: Int64].self) == ["a": 1, "b": 2])
        #expect(try decoder.decode(Int64?.self) == nil)
        #expect(decoder.isAtEnd)
        var truncated = StateDecoder(Array(encoder.bytes.prefix(3)))
        #expect(throws: StateDecodingError.self) { try truncated.decode(Int64.self) }
    }
}
