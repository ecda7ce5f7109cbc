/// The live windows of one key under a merging assigner, each mapped to the window under
/// which its accumulator is stored (Flink's `MergingWindowSet`).
///
/// When windows merge, the result keeps the state window of one of them, so only the other
/// accumulators have to be merged and moved. Kept in keyed state, so it is snapshotted.
public struct MergingWindowSet: StateCodable, Sendable, Equatable {
    /// One live window and the state window holding its accumulator.
    public struct Entry: Sendable, Equatable {
        /// The window as users see it.
        public var window: TimeWindow
        /// The namespace of its accumulator.
        public var stateWindow: TimeWindow

        @inlinable
        init(window: TimeWindow, stateWindow: TimeWindow) {
            self.window = window
            self.stateWindow = stateWindow
        }
    }

    /// The live windows (usually one or two per key, so a flat array beats a dictionary).
    @usableFromInline var storage: [Entry] = []

    /// The live windows.
    public var entries: [Entry] { storage }

    /// Creates an empty set.
    public init() {}

    /// Whether no window is live.
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// The state window of a live window.
    @inlinable
    public func stateWindow(for window: TimeWindow) -> TimeWindow? {
        let index = firstIndex(startingAfter: window.start) - 1
        guard index >= 0, storage[index].window == window else { return nil }
        return storage[index].stateWindow
    }

    /// Removes a window (after it was purged or cleaned up).
    @inlinable
    public mutating func retire(_ window: TimeWindow) {
        let index = firstIndex(startingAfter: window.start) - 1
        if index >= 0, storage[index].window == window { storage.remove(at: index) }
    }

    /// Index of the first live window starting after `time` (binary search; live windows are
    /// disjoint and kept sorted by start, so a key with thousands of sessions stays cheap).
    @inlinable
    func firstIndex(startingAfter time: Int64) -> Int {
        var low = 0
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if storage[middle].window.start <= time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Adds `newWindow`, merging it with every live window it intersects.
    ///
    /// Calls `merge(result, mergedWindows, resultStateWindow, mergedStateWindows)` when live
    /// windows were merged into a new result (not when `newWindow` fell inside one window):
    /// `mergedWindows` are the live windows replaced by `result`, `mergedStateWindows` the
    /// state windows whose accumulators must be folded into `resultStateWindow`.
    /// `isNew` is set when the returned window was not live before and no merge registered it.
    /// - Returns: the window `newWindow` now belongs to.
    @inlinable
    public mutating func addWindow(
        _ newWindow: TimeWindow, isNew: inout Bool,
        merge: (_ result: TimeWindow, _ mergedWindows: [TimeWindow], _ resultStateWindow: TimeWindow, _ mergedStateWindows: [TimeWindow]) -> Void
    ) -> TimeWindow {
        // Live windows that may intersect start at or before newWindow.end; since they are
        // disjoint and sorted, the intersecting ones are a contiguous run ending there.
        let upper = firstIndex(startingAfter: newWindow.end)
        var lower = upper
        while lower > 0, storage[lower - 1].window.intersects(newWindow) { lower -= 1 }
        guard lower < upper else {
            storage.insert(Entry(window: newWindow, stateWindow: newWindow), at: upper)
            isNew = true
            return newWindow
        }
        var result = newWindow
        for index in lower..<upper { result = result.cover(storage[index].window) }
        let kept = storage[lower]
        if upper - lower == 1, kept.window == result {
            isNew = false
            return result
        }
        var mergedWindows: [TimeWindow] = []
        var mergedStateWindows: [TimeWindow] = []
        mergedWindows.reserveCapacity(upper - lower)
        for index in lower..<upper {
            mergedWindows.append(storage[index].window)
            if index != lower { mergedStateWindows.append(storage[index].stateWindow) }
        }
        storage.replaceSubrange(lower..<upper, with: CollectionOfOne(Entry(window: result, stateWindow: kept.stateWindow)))
        merge(result, mergedWindows, kept.stateWindow, mergedStateWindows)
        isNew = false
        return result
    }

    public func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(entries.count))
        for entry in entries {
            entry.window.encode(to: &encoder)
            entry.stateWindow.encode(to: &encoder)
        }
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        let count = try decoder.readCount()
        storage.reserveCapacity(count)
        for _ in 0..<count {
            let window = try TimeWindow(from: &decoder)
            storage.append(Entry(window: window, stateWindow: try TimeWindow(from: &decoder)))
        }
    }
}
