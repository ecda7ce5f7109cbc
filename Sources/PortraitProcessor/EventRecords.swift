import PortraitCore

/// A user's events waiting for the recent-events list (`ev:`), already written as the list's
/// entries (``BehaviourRecord``): their bytes one after the other in one buffer, and where each
/// ends.
///
/// Written when the event is folded in, while it is still in the cache, instead of at the
/// flush: a recompute holds every user's events until its one write per user, and reading
/// ten million events back from all over the heap then (and freeing two arrays per event)
/// was a tenth of its flush. Here an event costs its record's ~100 bytes until the flush
/// copies them into the command as they are.
struct EventRecords: Sendable, ExpressibleByArrayLiteral {
    private var bytes: [UInt8] = []
    /// Where each record ends in `bytes`, oldest first.
    private var ends: [Int] = []

    init() {}

    init(arrayLiteral events: ProfileEvent...) {
        for event in events { append(event) }
    }

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }
    /// About how many bytes the records take in memory, spare capacity included.
    var footprint: Int { bytes.capacity + MemoryLayout<Int>.stride * ends.capacity }

    mutating func append(_ event: ProfileEvent) {
        BehaviourRecord.write(event: event, to: &bytes)
        ends.append(bytes.count)
    }

    mutating func append(contentsOf other: EventRecords) {
        let base = bytes.count
        bytes.append(contentsOf: other.bytes)
        ends.append(contentsOf: other.ends.lazy.map { $0 + base })
    }

    /// Drops the oldest records beyond the newest `limit`.
    mutating func keepNewest(_ limit: Int) {
        guard ends.count > limit else { return }
        let dropped = ends.count - limit
        let cut = ends[dropped - 1]
        // Most of it gone (a user's long backlog folded at once): a buffer of the right size,
        // as removing in place keeps the capacity.
        if cut > bytes.count / 2 { bytes = Array(bytes[cut...]) } else { bytes.removeFirst(cut) }
        ends = ends[dropped...].map { $0 - cut }
    }

    /// Each record's bytes, oldest first.
    func forEach(_ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { all in
            var start = 0
            for end in ends {
                body(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                start = end
            }
        }
    }
}
