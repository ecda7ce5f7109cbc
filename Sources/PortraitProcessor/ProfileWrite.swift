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
    var sets: [(field: String, value: String)]
    var deletes: [String]
    var bits: [(key: String, offset: Int64, bit: Int)]
    /// Enumerated tag values newly set (their value sets gain them).
    var tagValues: [(tag: String, value: String)]
    /// Behaviour list entries (written as ``BehaviourRecord``s), oldest first.
    var events: [ProfileEvent]
    var tagChanges: [TagChange]
    /// The metric values that changed (`.null`: gone), if any.
    var metricChanges: NamedValues
    /// When the changes happened: the profile's clock, or the newest input before any event.
    var timeMs: Int64

    /// The difference between `old` (as stored) and `new`; `new.denseId` must be set.
    /// `events` are the events folded in; changes are timed by the profile's clock, or by
    /// `inputMs` (the newest input) while no event has set the clock.
    init(
        old: ProfileState?, new: ProfileState, partition: Int32,
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
        // Each category is compared once (one lookup per field, none on a first write); the
        // changes feed the hash fields, the tag bitmaps and histories, and the metric history.
        var sets: [(field: String, value: String)] = []
        var deletes: [String] = []
        Self.appendFields(Self.changes(old?.attributes, new.attributes), prefix: "a.", sets: &sets, deletes: &deletes)
        let metricChanges = Self.changes(old?.metricValues, new.metricValues)
        Self.appendFields(metricChanges, prefix: "m.", sets: &sets, deletes: &deletes)
        let changedTags = Self.changes(old?.tags, new.tags)
        Self.appendFields(changedTags, prefix: "t.", sets: &sets, deletes: &deletes)
        Self.appendFields(Self.changes(old?.modelOutputs, new.modelOutputs), prefix: "", sets: &sets, deletes: &deletes)
        self.sets = sets  // HSET and HDEL take fields in any order
        self.deletes = deletes
        let shard = denseId / ProfileKeys.bitmapShardSize
        let offset = denseId % ProfileKeys.bitmapShardSize
        timeMs = new.clockMs != .min ? new.clockMs : (inputMs ?? 0)
        var bits: [(String, Int64, Int)] = []
        var tagValues: [(String, String)] = []
        var tagChanges: [TagChange] = []
        tagChanges.reserveCapacity(changedTags.count)
        for change in changedTags {
            if let key = Self.bitmapKey(tag: change.name, value: change.from, shard: shard) { bits.append((key, offset, 0)) }
            if let key = Self.bitmapKey(tag: change.name, value: change.to, shard: shard) { bits.append((key, offset, 1)) }
            if case .string(let value)? = change.to { tagValues.append((change.name, value)) }
            // A boolean tag's first value is history only when it is set: a user first seen (or a
            // tag first defined) with the tag false has nothing to show, and recording it cost
            // every new user ~50 records and a new tag a record per user.
            if change.from == nil, change.to == .bool(false) { continue }
            tagChanges.append(TagChange(tag: change.name, from: change.from, to: change.to, version: tagVersions[change.name]))
        }
        self.bits = bits
        self.tagValues = tagValues
        self.tagChanges = tagChanges
        self.events = events
        self.metricChanges = NamedValues(sortedNames: metricChanges.map(\.name), values: metricChanges.map { $0.to ?? .null })
    }

    /// The entries of one category whose value differs between `old` and `new` (`nil`: absent),
    /// in name order: both tables are walked in step, so a name is compared, never hashed.
    private static func changes(_ old: NamedValues?, _ new: NamedValues) -> [(name: String, from: Value?, to: Value?)] {
        var changes: [(name: String, from: Value?, to: Value?)] = []
        guard let old, !old.isEmpty else {
            changes.reserveCapacity(new.count)
            for (name, value) in zip(new.names, new.values) { changes.append((name, nil, value)) }
            return changes
        }
        let (oldNames, oldValues, newNames, newValues) = (old.names, old.values, new.names, new.values)
        var (i, j) = (0, 0)
        while i < oldNames.count || j < newNames.count {
            if i < oldNames.count, j < newNames.count, oldNames[i] == newNames[j] {
                if oldValues[i] != newValues[j] { changes.append((newNames[j], oldValues[i], newValues[j])) }
                i += 1
                j += 1
            } else if j == newNames.count || (i < oldNames.count && oldNames[i] < newNames[j]) {
                changes.append((oldNames[i], oldValues[i], nil))
                i += 1
            } else {
                changes.append((newNames[j], nil, newValues[j]))
                j += 1
            }
        }
        return changes
    }

    /// The hash fields of `changes` (prefixed): set where the stored text changed, deleted where
    /// there is no text any more (null is absent).
    private static func appendFields(
        _ changes: [(name: String, from: Value?, to: Value?)], prefix: String,
        sets: inout [(field: String, value: String)], deletes: inout [String]
    ) {
        for change in changes {
            let text = change.to?.storedText
            if text == change.from?.storedText { continue }
            if let text { sets.append((prefix + change.name, text)) } else { deletes.append(prefix + change.name) }
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
