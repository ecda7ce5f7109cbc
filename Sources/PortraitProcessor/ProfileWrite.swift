import PortraitCore
import TagLang

/// One user's changes since the state last stored: what a flush writes (``ProfileFlushCommands``).
struct ProfileWrite {
    var userId: String
    var partition: Int32
    var denseId: Int64
    var state: [UInt8]
    var timerMs: Int64?
    /// The timer differs from the stored one (or there was none stored and there is one now).
    var timerChanged: Bool
    /// Redis holds nothing of the user yet: the flush registers it (partition users, dense id,
    /// population).
    var isFirstWrite: Bool
    var fences: [(field: String, offset: Int64)]
    var sets: [(field: String, value: String)]
    var deletes: [String]
    var bits: [(key: String, offset: Int64, bit: Int)]
    /// Enumerated tag values newly set (their value sets gain them).
    var tagValues: [(tag: String, value: String)]
    /// Behaviour list entries (written as ``BehaviourRecord``s), oldest first.
    var events: [ProfileEvent]
    var tagChanges: [TagChange]
    /// The metric values that changed (`.null`: gone), if any.
    var metricChanges: [String: Value]
    /// When the changes happened: the profile's clock, or the newest input before any event.
    var timeMs: Int64

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
        timerChanged = old?.nextTimerMs != new.nextTimerMs
        isFirstWrite = old == nil
        fences = updatedFences.sorted().map { (ProfileKeys.fenceField($0), new.fences[$0] ?? -1) }
        // The hash diff, category by category: only changed fields get a prefixed name and a
        // text, instead of rendering every field of both states (most writes change a few).
        var sets: [(field: String, value: String)] = []
        var deletes: [String] = []
        Self.diff(old?.attributes, new.attributes, prefix: "a.", sets: &sets, deletes: &deletes)
        Self.diff(old?.metricValues, new.metricValues, prefix: "m.", sets: &sets, deletes: &deletes)
        Self.diff(old?.tags, new.tags, prefix: "t.", sets: &sets, deletes: &deletes)
        Self.diff(old?.modelOutputs, new.modelOutputs, prefix: "", sets: &sets, deletes: &deletes)
        self.sets = sets  // HSET and HDEL take fields in any order
        self.deletes = deletes
        let shard = denseId / ProfileKeys.bitmapShardSize
        let offset = denseId % ProfileKeys.bitmapShardSize
        timeMs = new.clockMs != .min ? new.clockMs : (inputMs ?? 0)
        var bits: [(String, Int64, Int)] = []
        var tagValues: [(String, String)] = []
        var tagChanges: [TagChange] = []
        let oldTags = old?.tags ?? [:]
        var changedTags: [String] = []
        for (name, value) in new.tags where oldTags[name] != value { changedTags.append(name) }
        for name in oldTags.keys where new.tags[name] == nil { changedTags.append(name) }
        for name in changedTags.sorted() {
            if let key = Self.bitmapKey(tag: name, value: oldTags[name], shard: shard) { bits.append((key, offset, 0)) }
            if let key = Self.bitmapKey(tag: name, value: new.tags[name], shard: shard) { bits.append((key, offset, 1)) }
            if case .string(let value)? = new.tags[name] { tagValues.append((name, value)) }
            tagChanges.append(TagChange(tag: name, from: oldTags[name], to: new.tags[name], version: tagVersions[name]))
        }
        self.bits = bits
        self.tagValues = tagValues
        self.tagChanges = tagChanges
        self.events = events
        let oldMetrics = old?.metricValues ?? [:]
        var changedMetrics: [String: Value] = [:]
        for (name, value) in new.metricValues where oldMetrics[name] != value { changedMetrics[name] = value }
        for name in oldMetrics.keys where new.metricValues[name] == nil { changedMetrics[name] = .null }
        metricChanges = changedMetrics
    }

    /// The fields of one category of ``ProfileState/fields`` that differ between `old` and `new`
    /// as stored text (a value whose text is unchanged is not written again; null is absent).
    private static func diff(
        _ old: [String: Value]?, _ new: [String: Value], prefix: String,
        sets: inout [(field: String, value: String)], deletes: inout [String]
    ) {
        let old = old ?? [:]
        for (name, value) in new {
            let before = old[name]
            if before == value { continue }
            let text = value.storedText
            if text == before?.storedText { continue }
            if let text { sets.append((prefix + name, text)) } else { deletes.append(prefix + name) }
        }
        for (name, value) in old where new[name] == nil && value.storedText != nil {
            deletes.append(prefix + name)
        }
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
