import PortraitCore
import TagLang

/// One user's changes since the state last stored: what the write script needs.
struct ProfileWrite {
    var userId: String
    var partition: Int32
    var denseId: Int64
    var state: [UInt8]
    var timerMs: Int64?
    var fences: [(field: String, offset: Int64)]
    var sets: [(field: String, value: String)]
    var deletes: [String]
    var bits: [(key: String, offset: Int64, bit: Int)]
    /// Enumerated tag values newly set (their value sets gain them).
    var tagValues: [(tag: String, value: String)]
    /// Behaviour list entries (``BehaviourRecord``), oldest first.
    var events: [String]
    var tagChanges: [String]
    var metricChange: String?

    /// The difference between `old` (as stored) and `new`; `new.denseId` must be set.
    /// `events` are the events folded in; changes are timed by the profile's clock, or by
    /// `inputMs` (the newest input) while no event has set the clock.
    init(
        old: ProfileState?, new: ProfileState, partition: Int32, updatedFences: [String],
        events: [ProfileEvent] = [], inputMs: Int64? = nil, tagVersions: [String: Int] = [:]
    ) {
        let denseId = new.denseId ?? 0
        userId = new.userId
        self.partition = partition
        self.denseId = denseId
        state = ProfileStateCodec.encode(new)
        timerMs = new.nextTimerMs
        fences = updatedFences.sorted().map { (ProfileKeys.fenceField($0), new.fences[$0] ?? -1) }
        let before = old?.fields ?? [:]
        let after = new.fields
        sets = after.filter { before[$0.key] != $0.value }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        deletes = before.keys.filter { after[$0] == nil }.sorted()
        let shard = denseId / ProfileKeys.bitmapShardSize
        let offset = denseId % ProfileKeys.bitmapShardSize
        let timeMs = new.clockMs != .min ? new.clockMs : (inputMs ?? 0)
        var bits: [(String, Int64, Int)] = []
        var tagValues: [(String, String)] = []
        var tagChanges: [String] = []
        let oldTags = old?.tags ?? [:]
        for name in Set(oldTags.keys).union(new.tags.keys).sorted() where oldTags[name] != new.tags[name] {
            if let key = Self.bitmapKey(tag: name, value: oldTags[name], shard: shard) { bits.append((key, offset, 0)) }
            if let key = Self.bitmapKey(tag: name, value: new.tags[name], shard: shard) { bits.append((key, offset, 1)) }
            if case .string(let value)? = new.tags[name] { tagValues.append((name, value)) }
            tagChanges.append(BehaviourRecord.tagChange(tag: name, from: oldTags[name], to: new.tags[name], version: tagVersions[name], timeMs: timeMs))
        }
        self.bits = bits
        self.tagValues = tagValues
        self.tagChanges = tagChanges
        self.events = events.map(BehaviourRecord.event)
        let oldMetrics = old?.metricValues ?? [:]
        var changedMetrics: [String: Value] = [:]
        for name in Set(oldMetrics.keys).union(new.metricValues.keys) where oldMetrics[name] != new.metricValues[name] {
            changedMetrics[name] = new.metricValues[name] ?? .null
        }
        metricChange = changedMetrics.isEmpty ? nil : BehaviourRecord.metricValues(changedMetrics, timeMs: timeMs)
    }

    /// Boolean tags keep the bitmap of `true`; enumerated tags one bitmap per value.
    static func bitmapKey(tag: String, value: Value?, shard: Int64) -> String? {
        switch value {
        case .bool(true)?: ProfileKeys.bitmap(tag: tag, value: nil, shard: shard)
        case .string(let text)?: ProfileKeys.bitmap(tag: tag, value: text, shard: shard)
        default: nil
        }
    }

}
