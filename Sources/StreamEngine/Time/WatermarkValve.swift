/// Combines the watermarks of several inputs into one: the minimum over the inputs that are
/// neither idle nor finished (Flink's `StatusWatermarkValve`).
///
/// An idle input (a quiet Kafka partition) is ignored until it sends data again, so it cannot
/// stall the others; a finished input counts as +∞. The combined watermark never goes back.
public struct WatermarkValve: Sendable {
    @usableFromInline enum InputStatus: Sendable { case active, idle, finished }

    @usableFromInline var watermarks: [Int64]
    @usableFromInline var statuses: [InputStatus]
    /// The combined watermark last emitted.
    public private(set) var combined: Int64 = Watermark.minimum

    /// Creates a valve for `inputCount` inputs, all active at `Watermark.minimum`.
    public init(inputCount: Int) {
        watermarks = Array(repeating: Watermark.minimum, count: inputCount)
        statuses = Array(repeating: .active, count: inputCount)
    }

    /// Whether every input has finished.
    public var allFinished: Bool { statuses.allSatisfy { $0 == .finished } }

    /// Whether `input` has finished.
    public func isFinished(_ input: Int) -> Bool { statuses[input] == .finished }

    /// Records a watermark from `input`; returns the new combined watermark if it advanced.
    public mutating func onWatermark(_ watermark: Int64, input: Int) -> Int64? {
        guard statuses[input] != .finished else { return nil }
        statuses[input] = .active
        if watermark > watermarks[input] { watermarks[input] = watermark }
        return recompute()
    }

    /// Marks `input` active again (it delivered records).
    @inlinable
    public mutating func markActive(_ input: Int) {
        if statuses[input] == .idle { statuses[input] = .active }
    }

    /// Marks `input` idle; returns the new combined watermark if that let it advance.
    public mutating func markIdle(_ input: Int) -> Int64? {
        guard statuses[input] == .active else { return nil }
        statuses[input] = .idle
        return recompute()
    }

    /// Marks `input` finished (its watermark becomes +∞); returns the advanced watermark, if any.
    public mutating func markFinished(_ input: Int) -> Int64? {
        statuses[input] = .finished
        watermarks[input] = Watermark.maximum
        return recompute()
    }

    mutating func recompute() -> Int64? {
        var minimum = Watermark.maximum
        var anyCounted = false
        for index in watermarks.indices where statuses[index] != .idle {
            anyCounted = true
            minimum = min(minimum, watermarks[index])
        }
        // All inputs idle: hold the watermark (Flink propagates idleness instead).
        guard anyCounted, minimum > combined else { return nil }
        combined = minimum
        return minimum
    }
}
