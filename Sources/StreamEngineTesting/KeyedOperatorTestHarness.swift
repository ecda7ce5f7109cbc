import StreamEngine

/// Drives one keyed operator by hand — elements, watermarks, processing time, snapshots —
/// and records what it emits (Flink's `KeyedOneInputStreamOperatorTestHarness`).
///
/// Processing time is a manual clock: it moves only through ``setProcessingTime(_:)``.
public struct KeyedOperatorTestHarness<Operator: KeyedOperator> {
    /// The operator under test.
    public private(set) var `operator`: Operator
    var sink = RecordingOutput<Operator.Output, Operator.SideOutput>()

    /// Wraps `operator`.
    public init(_ operator: Operator) { self.operator = `operator` }

    /// Main output emitted so far.
    public var output: [Operator.Output] { sink.elements }
    /// Side output emitted so far.
    public var sideOutput: [Operator.SideOutput] { sink.side }

    /// Returns and clears the main output.
    public mutating func takeOutput() -> [Operator.Output] {
        defer { sink.elements.removeAll() }
        return sink.elements
    }

    /// Feeds one element.
    public mutating func processElement(_ value: Operator.Input, key: Operator.Key, timestamp: Int64) {
        `operator`.processElement(value, key: key, timestamp: timestamp, output: &sink)
    }

    /// Advances event time.
    public mutating func processWatermark(_ watermark: Int64) {
        `operator`.advanceWatermark(to: watermark, output: &sink)
    }

    /// Advances the manual processing-time clock.
    public mutating func setProcessingTime(_ time: Int64) {
        `operator`.advanceProcessingTime(to: time, output: &sink)
    }

    /// The operator's state and timers as bytes.
    public func snapshot() -> [UInt8] {
        var encoder = StateEncoder()
        `operator`.snapshotState(to: &encoder)
        return encoder.bytes
    }

    /// A harness around `operator` restored from `snapshot` (all keys).
    public static func restored(_ operator: Operator, from snapshot: [UInt8]) throws -> Self {
        var harness = Self(`operator`)
        var decoder = StateDecoder(snapshot)
        try harness.operator.restoreState(from: &decoder, keyFilter: { _ in true })
        return harness
    }
}

/// Records emitted elements for the harness.
struct RecordingOutput<Element, Side>: OperatorOutput {
    var elements: [Element] = []
    var side: [Side] = []
    mutating func emit(_ element: Element) { elements.append(element) }
    mutating func emitSide(_ element: Side) { side.append(element) }
}
