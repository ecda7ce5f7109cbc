import PortraitCore
import TagLang

/// One user's changes since the state last stored: what a flush writes (``ProfileFlushCommands``).
struct ProfileWrite {
    var userId: String
    var partition: Int32
    var denseId: Int64
    var state: [UInt8]
    /// What the blob's metric states refer to (stored beside it: ``ProfileFlushCommands``).
    var stateKeys: StateKeys
    var timerMs: Int64?
    /// The timer differs from the stored one (or there was none stored and there is one now).
    var timerChanged: Bool
    /// Redis holds nothing of the user yet: the flush registers it (partition users, dense id,
    /// population).
    var isFirstWrite: Bool
    /// The sections of the profile hash (``ProfileHash``) whose stored text changed, written
    /// whole from these values.
    var sections: [(section: ProfileHash.Section, values: NamedValues)]
    /// The model-output fields whose stored text changed.
    var modelFields: [(field: String, value: String)]
    /// Hash fields to delete: sections and model outputs left empty, and the flat fields of a
    /// hash written in the old layout.
    var deletes: [String]
    var bits: [(key: String, offset: Int64, bit: Int)]
    /// Enumerated tag values newly set (their value sets gain them).
    var tagValues: [(tag: String, value: String)]
    /// The recent-events list's new entries, oldest first.
    var events: EventRecords
    var tagChanges: [TagChange]
    /// The metric values that changed (`.null`: gone), if any.
    var metricChanges: NamedValues
    /// When the changes happened: the profile's clock, or the newest input before any event.
    var timeMs: Int64

    /// The difference between `old` (as stored) and `new`; `new.denseId` must be set. The blob
    /// refers to metric states by their position in `stateKeys` (the definition set's; with
    /// none, it names each state).
    /// `events` are the events folded in; changes are timed by the profile's clock, or by
    /// `inputMs` (the newest input) while no event has set the clock.
    init(
        old: WrittenValues?, new: ProfileState, partition: Int32,
        events: EventRecords = [], inputMs: Int64? = nil, tagVersions: [String: Int] = [:], storedHashIsFlat: Bool = false,
        stateKeys: StateKeys = .empty
    ) {
        let denseId = new.denseId ?? 0
        userId = new.userId
        self.partition = partition
        self.denseId = denseId
        state = ProfileStateCodec.encode(new, keys: stateKeys)
        self.stateKeys = stateKeys
        timerMs = new.nextTimerMs
        timerChanged = old?.nextTimerMs != new.nextTimerMs
        isFirstWrite = old == nil
        // Each category is compared once (one lookup per field, none on a first write); the
        // changes feed the hash's sections, the tag bitmaps and histories, and the metric history.
        // A hash still in the flat layout gets every section, and loses its flat fields.
        let migrates = storedHashIsFlat && old != nil
        var sections: [(section: ProfileHash.Section, values: NamedValues)] = []
        var deletes: [String] = []
        func section(_ section: ProfileHash.Section, _ changes: [(name: String, from: Value?, to: Value?)], stored: NamedValues?, _ values: NamedValues) {
            if migrates, let stored {
                for (name, value) in zip(stored.names, stored.values) where value != .null { deletes.append(section.flatPrefix + name) }
            } else if !Self.textChanged(changes) {
                return
            }
            if ProfileHash.hasStoredValues(values) {
                sections.append((section, values))
            } else if !migrates {
                deletes.append(section.field)
            }
        }
        section(.attributes, Self.changes(old?.attributes, new.attributes), stored: old?.attributes, new.attributes)
        // By stored text: a value read back from the hash may be typed otherwise than the one
        // computed (a `last_value` of "5" as a number), and 1 and 1.0 are stored alike.
        let metricChanges = Self.changes(old?.metricValues, new.metricValues).filter { Self.storedTextChanged($0.from, $0.to) }
        section(.metrics, metricChanges, stored: old?.metricValues, new.metricValues)
        let changedTags = Self.changes(old?.tags, new.tags)
        section(.tags, changedTags, stored: old?.tags, new.tags)
        var modelFields: [(field: String, value: String)] = []
        for change in Self.changes(old?.modelOutputs, new.modelOutputs) {
            let text = change.to?.storedText
            if text == change.from?.storedText { continue }
            if let text { modelFields.append((change.name, text)) } else { deletes.append(change.name) }
        }
        self.sections = sections
        self.modelFields = modelFields  // HSET and HDEL take fields in any order
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

    /// Whether two values that differ (``changes(_:_:)``) are stored differently: values of one
    /// kind always are; only values of two kinds are compared as text (no string is built for
    /// the usual number against number).
    private static func storedTextChanged(_ from: Value?, _ to: Value?) -> Bool {
        switch (from, to) {
        case (.number?, .number?), (.bool?, .bool?), (.string?, .string?), (.timestamp?, .timestamp?), (.duration?, .duration?), (nil, _), (_, nil):
            true
        default:
            from?.storedText != to?.storedText
        }
    }

    /// Whether any change alters the stored text (`1` and `1.0` are stored alike; null is absent).
    private static func textChanged(_ changes: [(name: String, from: Value?, to: Value?)]) -> Bool {
        changes.contains { $0.to?.storedText != $0.from?.storedText }
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
