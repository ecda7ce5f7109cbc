/// The `event_id`s of events already folded into one user's profile (issue 17 item 4), kept in
/// the user's state blob — so they are written in the same atomic write as the profile and
/// survive restarts and rebalances with it.
///
/// Window: an id is remembered while its event time is within `windowMs` of the newest event
/// time recorded for the user, and at most `capacity` ids are kept (the oldest go first). A
/// retry of the same event inside that window is dropped; a retry older than it is folded again.
public struct RecentEventIds: Sendable, Equatable {
    /// Seven days of event time.
    public static let windowMs: Int64 = 7 * 86_400_000
    /// Ids kept per user at most.
    public static let capacity = 1_000

    /// (id, event time), oldest event time first.
    public private(set) var entries: [(id: String, timestampMs: Int64)] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    public func contains(_ id: String) -> Bool {
        entries.contains { $0.id == id }
    }

    /// Records `id` at `timestampMs`, then forgets ids past the window or the capacity.
    public mutating func record(_ id: String, at timestampMs: Int64) {
        let position = entries.firstIndex { $0.timestampMs > timestampMs } ?? entries.count
        entries.insert((id, timestampMs), at: position)
        let newest = entries.last?.timestampMs ?? timestampMs
        entries.removeAll { $0.timestampMs < newest - Self.windowMs }
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    /// Rebuilds from stored entries (the codec).
    init(entries: [(id: String, timestampMs: Int64)]) {
        self.entries = entries
    }

    public static func == (left: RecentEventIds, right: RecentEventIds) -> Bool {
        left.entries.elementsEqual(right.entries) { $0.id == $1.id && $0.timestampMs == $1.timestampMs }
    }
}
