/// Batch mode's input buffer: a task's records grouped by key group, so that each group is
/// processed to completion while its state is small enough to stay in cache.
///
/// Holding every window of a large input until the end costs memory and a cache miss per
/// lookup; Flink's batch execution sorts by key for the same reason. Keys are independent, and
/// in batch mode event time only jumps from −∞ to +∞, so running one group at a time
/// (``KeyedOperator/finishKeyGroup(output:)`` in between) emits the same rows in another order.
@usableFromInline
struct KeyGroupBuffer<Element> {
    @usableFromInline
    struct Entry {
        @usableFromInline var element: Element
        @usableFromInline var timestamp: Int64

        @inlinable
        init(element: Element, timestamp: Int64) {
            self.element = element
            self.timestamp = timestamp
        }
    }

    /// `log2` of the number of key groups: 256 groups keep a million windows' state at a few
    /// thousand entries per group.
    @usableFromInline static var groupBits: UInt64 { 8 }

    /// Records per chunk: about 64 KiB for a 56-byte record, below malloc's mmap threshold,
    /// so chunks come from the heap and are never copied to grow.
    @usableFromInline static var chunkCapacity: Int { max(64, 65_536 / max(1, MemoryLayout<Entry>.stride)) }

    /// Each group's open chunk.
    @usableFromInline var open: [[Entry]]
    /// Each group's full chunks, in arrival order.
    @usableFromInline var full: [[[Entry]]]

    @inlinable
    init() {
        open = Array(repeating: [], count: 1 << Int(Self.groupBits))
        full = Array(repeating: [], count: 1 << Int(Self.groupBits))
    }

    /// Buffers `element` in the group of its key (inlined into the runner's per-record loop).
    @inlinable @inline(__always)
    mutating func append<Key: StateHashable>(_ element: Element, key: Key, timestamp: Int64) {
        // Top bits of the mixed hash: independent of the low bits that pick a task.
        let group = Int(truncatingIfNeeded: StateHash.finalize(key.stateHash) >> (64 - Self.groupBits))
        if open[group].capacity == 0 { open[group].reserveCapacity(Self.chunkCapacity) }
        open[group].append(Entry(element: element, timestamp: timestamp))
        if open[group].count == Self.chunkCapacity { sealChunk(of: group) }
    }

    @usableFromInline @inline(never)
    mutating func sealChunk(of group: Int) {
        var chunk: [Entry] = []
        swap(&chunk, &open[group])
        full[group].append(chunk)
    }

    /// Runs every group through `op`, finishing each before the next; frees groups as it goes.
    @inlinable
    mutating func drain<Op: KeyedOperator, Out: OperatorOutput<Op.Output, Op.SideOutput>>(
        into op: inout Op, key keySelector: (Element) -> Op.Key, output: inout Out, afterGroup: (inout Out) throws -> Void
    ) rethrows where Op.Input == Element {
        for group in open.indices {
            guard !open[group].isEmpty || !full[group].isEmpty else { continue }
            var chunks: [[Entry]] = []
            swap(&chunks, &full[group])
            chunks.append(open[group])
            open[group] = []
            for chunk in chunks {
                for entry in chunk {
                    op.processElement(entry.element, key: keySelector(entry.element), timestamp: entry.timestamp, output: &output)
                }
            }
            chunks = []
            op.finishKeyGroup(output: &output)
            try afterGroup(&output)
        }
    }
}
