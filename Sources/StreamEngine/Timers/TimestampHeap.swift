/// A binary min-heap of timestamps: the distinct times at which some timer is due.
///
/// Timers are coalesced per timestamp (see ``TimerQueue``), so this heap holds one entry per
/// distinct timestamp, not one per (key, timer).
public struct TimestampHeap: Sendable {
    @usableFromInline var storage: [Int64] = []

    /// Creates an empty heap.
    public init() {}

    /// Number of entries.
    public var count: Int { storage.count }

    /// The smallest timestamp, if any.
    @inlinable
    public var minimum: Int64? { storage.first }

    /// Adds a timestamp.
    public mutating func push(_ value: Int64) {
        storage.append(value)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest timestamp.
    @discardableResult
    public mutating func popMinimum() -> Int64? {
        guard let first = storage.first else { return nil }
        let last = storage.removeLast()
        guard !storage.isEmpty else { return first }
        storage[0] = last
        var parent = 0
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count, storage[left + 1] < storage[left] { smallest = left + 1 }
            guard storage[smallest] < storage[parent] else { break }
            storage.swapAt(smallest, parent)
            parent = smallest
        }
        return first
    }
}
