/// Timers of the owned partitions' users, per input partition, earliest first: the processor
/// fires timers from here; Redis's timer sets persist them for the next owner. Entries are never
/// removed when a timer moves; the processor skips an entry that no longer matches the
/// profile's next timer.
struct TimerQueue {
    private var heaps: [Int32: [(timeMs: Int64, userId: String)]] = [:]

    mutating func schedule(partition: Int32, userId: String, at timeMs: Int64) {
        var heap = heaps.removeValue(forKey: partition) ?? []
        heap.append((timeMs, userId))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].timeMs < heap[parent].timeMs else { break }
            heap.swapAt(child, parent)
            child = parent
        }
        heaps[partition] = heap
    }

    /// Removes and returns up to `limit` entries due at or before `timeMs`, earliest first.
    mutating func popDue(partition: Int32, upTo timeMs: Int64, limit: Int) -> [(userId: String, timeMs: Int64)] {
        guard var heap = heaps.removeValue(forKey: partition) else { return [] }
        var due: [(userId: String, timeMs: Int64)] = []
        while due.count < limit, let first = heap.first, first.timeMs <= timeMs {
            due.append((first.userId, first.timeMs))
            let last = heap.removeLast()
            guard !heap.isEmpty else { break }
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].timeMs < heap[smallest].timeMs { smallest = left }
                if right < heap.count, heap[right].timeMs < heap[smallest].timeMs { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        heaps[partition] = heap
        return due
    }
}
