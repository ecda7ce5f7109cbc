import TagLang

/// The engine-state blob kept beside each profile (`s:{userId}` in Redis): a versioned binary
/// encoding of ``ProfileState`` without its metric values and tags (the profile hash holds
/// those; an evaluation recomputes them). Tables are written in their name order, so equal
/// states give equal bytes (a recompute can be compared byte for byte with the stream's result).
public enum ProfileStateCodec {
    /// 2 added the model outputs; 3 the recent event ids (issue 17); 4 writes only the fields of
    /// an accumulator that hold something (a mask first); 5 encodes as 4 but says the profile
    /// hash beside it has sections (the processor's `ProfileHash`), not one field per value; 6
    /// leaves out the metric values and tags, which the hash beside it holds (they were 38 % of
    /// a blob, and the blob most of what Redis appends to its AOF): a reader takes them from
    /// there (``holdsValues(_:)``); 7 refers to metric states by position in the definition
    /// set's ``StateKeys``, named by their fingerprint right after the version byte
    /// (``stateKeysFingerprint(_:)``), instead of writing each state's name. Older blobs still read.
    static let formatVersion: UInt8 = 7

    /// Whether `bytes` carry the metric values and tags (formats before 6); a state decoded
    /// from a newer blob has none, and its reader fills them from the profile hash.
    public static func holdsValues(_ bytes: [UInt8]) -> Bool {
        (bytes.first ?? 0) < 6
    }

    /// Whether the profile hash written with `bytes` has sections (version 5 on); a hash
    /// written with an older blob holds one field per value, which the next write replaces.
    public static func writesSectionedHash(_ bytes: [UInt8]) -> Bool {
        (bytes.first ?? 0) >= 5
    }

    /// The fingerprint of the ``StateKeys`` a blob's metric states refer to (format 7 on): what
    /// ``decode(_:userId:keys:)`` needs for it. `nil` for older blobs, which name each state.
    public static func stateKeysFingerprint(_ bytes: [UInt8]) -> UInt64? {
        guard (bytes.first ?? 0) >= 7 else { return nil }
        var reader = ByteReader(bytes)
        reader.index = 1
        return try? reader.fixed64()
    }

    public struct DecodingError: Error, CustomStringConvertible {
        public let userId: String
        public var description: String { "the stored state of user '\(userId)' is corrupt or from an unknown format" }
    }

    /// `state`, its metric states referred to by position in `keys` (the definition set's:
    /// a state `keys` lacks is written with its name).
    public static func encode(_ state: ProfileState, keys: StateKeys) -> [UInt8] {
        encode(state, format: formatVersion, keys: keys)
    }

    /// `state` as format `format` (4 to 7) wrote it: the current encoding, with the metric
    /// values and tags before format 6 and each state's name before 7. Older formats are for
    /// tests of blobs already stored.
    static func encode(_ state: ProfileState, format: UInt8, keys: StateKeys = .empty) -> [UInt8] {
        precondition((4...formatVersion).contains(format), "format \(format) is not written")
        var writer = ByteWriter(capacity: 4_096)  // a profile with a few weeks of buckets: grown once at most
        writer.byte(format)
        if format >= 7 { writer.fixed64(keys.fingerprint) }
        writer.string(state.userId)
        writer.int(state.denseId ?? -1)
        writer.int(state.clockMs)
        writer.int(state.nextTimerMs ?? .min)
        writeValues(state.attributes, to: &writer)
        if format < 6 {
            writeValues(state.metricValues, to: &writer)
            writeValues(state.tags, to: &writer)
        }
        writeValues(state.modelOutputs, to: &writer)
        writer.int(Int64(state.fences.count))
        for (source, offset) in state.fences.sorted(by: { $0.key < $1.key }) {
            writer.string(source)
            writer.int(offset)
        }
        // Through buffer pointers: each element is read in place, where an array's subscript
        // copied every accumulator out (retaining its set and value) and released it again.
        let names = state.metricStates.names
        writer.int(Int64(names.count))
        state.metricStates.values.withUnsafeBufferPointer { metrics in
            // Each metric's buckets are an array of their own, and the profile was built on
            // another thread: each array's first read missed the cache, one after the other
            // (most of this function's time). Reading every header first, with nothing
            // depending on the reads, lets those misses overlap.
            var buckets = 0
            for index in metrics.indices { buckets &+= metrics[index].buckets.count }
            writer.reserve(buckets &* 12)
            let known = keys.names
            var next = 0  // both lists are in name order: walked in step, nothing hashed
            for index in names.indices {
                if format < 7 {
                    writer.string(names[index])
                } else {
                    while next < known.count, known[next] < names[index] { next += 1 }
                    if next < known.count, known[next] == names[index] {
                        writer.int(Int64(next))
                    } else {
                        writer.int(-1)
                        writer.string(names[index])
                    }
                }
                let metric = metrics.baseAddress! + index
                writer.int(Int64(metric.pointee.buckets.count))
                metric.pointee.buckets.withUnsafeBufferPointer { buckets in
                    var previous: Int64 = 0
                    for bucket in buckets.indices {
                        let start = buckets[bucket].start
                        writer.int(format < 7 ? start : start &- previous)
                        write(buckets[bucket].accumulator, of: metric, bucket: bucket, compactSince: format < 7 ? nil : start, to: &writer)
                        previous = start
                    }
                }
            }
        }
        writer.int(Int64(state.recentEventIds.entries.count))
        for entry in state.recentEventIds.entries {
            writer.string(entry.id)
            writer.int(entry.timestampMs)
        }
        return writer.finish()
    }

    /// The state `bytes` hold. A blob of format 7 on needs the ``StateKeys`` it refers to
    /// (``stateKeysFingerprint(_:)``); older ones name their states and ignore `keys`.
    public static func decode(_ bytes: [UInt8], userId: String, keys: StateKeys? = nil) throws(DecodingError) -> ProfileState {
        var reader = ByteReader(bytes)
        do {
            let version = try reader.byte()
            guard (1...formatVersion).contains(version) else { throw ByteReader.Corrupt() }
            var known: [String] = []
            if version >= 7 {
                guard let keys, try reader.fixed64() == keys.fingerprint else { throw ByteReader.Corrupt() }
                known = keys.names
            }
            var state = ProfileState(userId: try reader.string())
            let dense = try reader.int()
            state.denseId = dense >= 0 ? dense : nil
            state.clockMs = try reader.int()
            let timer = try reader.int()
            state.nextTimerMs = timer == .min ? nil : timer
            state.attributes = try readValues(&reader)
            if version < 6 {
                state.metricValues = try readValues(&reader)
                state.tags = try readValues(&reader)
            }
            if version >= 2 { state.modelOutputs = try readValues(&reader) }
            for _ in 0..<(try reader.count()) { state.fences[try reader.string()] = try reader.int() }
            for _ in 0..<(try reader.count()) {
                let key: String
                if version < 7 {
                    key = try reader.string()
                } else {
                    let position = try reader.int()
                    guard position >= -1, position < known.count else { throw ByteReader.Corrupt() }
                    key = position >= 0 ? known[Int(position)] : try reader.string()
                }
                var buckets: [(start: Int64, bucket: Bucket)] = []
                var previous: Int64 = 0
                for _ in 0..<(try reader.count()) {
                    let start = version < 7 ? try reader.int() : previous &+ (try reader.int())
                    let bucket = version >= 4 ? try readBucket(&reader, compactSince: version >= 7 ? start : nil) : try readFullBucket(&reader)
                    buckets.append((start, bucket))
                    previous = start
                }
                let metric = metricState(buckets)
                if !state.metricStates.appendInOrder(key, metric) { state.metricStates[key] = metric }
            }
            if version >= 3 {
                var entries: [(id: String, timestampMs: Int64)] = []
                for _ in 0..<(try reader.count()) { entries.append((try reader.string(), try reader.int())) }
                state.recentEventIds = RecentEventIds(entries: entries)
            }
            guard reader.atEnd, state.userId == userId else { throw ByteReader.Corrupt() }
            return state
        } catch {
            throw DecodingError(userId: userId)
        }
    }

    private static func writeValues(_ values: NamedValues, to writer: inout ByteWriter) {
        let (names, items) = (values.names, values.values)
        writer.int(Int64(names.count))
        for index in names.indices {
            writer.string(names[index])
            writer.value(items[index])
        }
    }

    /// Blobs are written in name order; one that is not (never seen) is still read whole.
    private static func readValues(_ reader: inout ByteReader) throws(ByteReader.Corrupt) -> NamedValues {
        var values = NamedValues()
        let count = try reader.count()
        values.reserveCapacity(count)
        for _ in 0..<count {
            let (name, value) = (try reader.string(), try reader.value())
            if !values.appendInOrder(name, value) { values[name] = value }
        }
        return values
    }

    /// Which fields of an accumulator differ from an empty one's: an aggregation keeps one to
    /// three of them, so a blob carries a few bytes per bucket instead of ~40.
    private struct AccumulatorFields: OptionSet {
        let rawValue: UInt8
        static let count = Self(rawValue: 1 << 0)
        static let sum = Self(rawValue: 1 << 1)
        static let minimum = Self(rawValue: 1 << 2)
        static let maximum = Self(rawValue: 1 << 3)
        static let firstMs = Self(rawValue: 1 << 4)
        static let lastMs = Self(rawValue: 1 << 5)
        static let lastValue = Self(rawValue: 1 << 6)
        static let distinct = Self(rawValue: 1 << 7)
    }

    /// The mask of fields that hold something, then those fields (doubles compared by their
    /// bits, so -0 and NaN survive): the bucket's accumulator, then the value or set it keeps.
    ///
    /// From format 7 (`compactSince`: the bucket's start) the times are written relative to the
    /// bucket's start, and the sums and extremes as ``ByteWriter/compactDouble(_:)``: a few
    /// bytes each instead of six to eight.
    private static func write(
        _ accumulator: MetricAccumulator, of metric: UnsafePointer<MetricState>, bucket: Int, compactSince start: Int64?, to writer: inout ByteWriter
    ) {
        // An empty accumulator's fields (``MetricAccumulator/init()``), as constants.
        var fields: AccumulatorFields = []
        if accumulator.count != 0 { fields.insert(.count) }
        if accumulator.sum.bitPattern != Double(0).bitPattern { fields.insert(.sum) }
        if accumulator.minimum.bitPattern != Double.infinity.bitPattern { fields.insert(.minimum) }
        if accumulator.maximum.bitPattern != (-Double.infinity).bitPattern { fields.insert(.maximum) }
        if accumulator.firstMs != .max { fields.insert(.firstMs) }
        if accumulator.lastMs != .min { fields.insert(.lastMs) }
        let keepsValue = bucket < metric.pointee.lastValues.count && metric.pointee.lastValues[bucket] != .null
        if keepsValue { fields.insert(.lastValue) }
        let keepsSet = bucket < metric.pointee.distinctValues.count && !metric.pointee.distinctValues[bucket].isEmpty
        if keepsSet { fields.insert(.distinct) }
        writer.byte(fields.rawValue)
        if fields.contains(.count) { writer.int(accumulator.count) }
        let (compact, base) = (start != nil, start ?? 0)  // before format 7: absolute times, full doubles
        if fields.contains(.sum) { writer.double(accumulator.sum, compact: compact) }
        if fields.contains(.minimum) { writer.double(accumulator.minimum, compact: compact) }
        if fields.contains(.maximum) { writer.double(accumulator.maximum, compact: compact) }
        if fields.contains(.firstMs) { writer.int(accumulator.firstMs &- base) }
        if fields.contains(.lastMs) { writer.int(accumulator.lastMs &- base) }
        if keepsValue { writer.value(metric.pointee.lastValues[bucket]) }
        if keepsSet {
            let values = metric.pointee.distinctValues[bucket]
            writer.int(Int64(values.count))
            for value in values.sorted(by: Self.encodingOrder) { writer.value(value) }
        }
    }

    /// One bucket as ``write(_:of:bucket:compactSince:to:)`` wrote it: the accumulator, the value it keeps
    /// (`.null`: none) and the set it keeps.
    private typealias Bucket = (accumulator: MetricAccumulator, lastValue: Value, distinct: Set<Value>)

    private static func readBucket(_ reader: inout ByteReader, compactSince start: Int64?) throws(ByteReader.Corrupt) -> Bucket {
        let fields = AccumulatorFields(rawValue: try reader.byte())
        var accumulator = MetricAccumulator()
        if fields.contains(.count) { accumulator.count = try reader.int() }
        let (compact, base) = (start != nil, start ?? 0)
        if fields.contains(.sum) { accumulator.sum = try reader.double(compact: compact) }
        if fields.contains(.minimum) { accumulator.minimum = try reader.double(compact: compact) }
        if fields.contains(.maximum) { accumulator.maximum = try reader.double(compact: compact) }
        if fields.contains(.firstMs) { accumulator.firstMs = base &+ (try reader.int()) }
        if fields.contains(.lastMs) { accumulator.lastMs = base &+ (try reader.int()) }
        let lastValue = fields.contains(.lastValue) ? try reader.value() : .null
        var distinct: Set<Value> = []
        if fields.contains(.distinct) {
            for _ in 0..<(try reader.count()) { distinct.insert(try reader.value()) }
        }
        return (accumulator, lastValue, distinct)
    }

    /// A total order on values for writing sets deterministically, without building text:
    /// by kind, then by payload.
    static func encodingOrder(_ a: Value, _ b: Value) -> Bool {
        func rank(_ value: Value) -> Int {
            switch value {
            case .null: 0
            case .bool: 1
            case .number: 2
            case .string: 3
            case .timestamp: 4
            case .duration: 5
            case .list: 6
            }
        }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return !x && y
        case (.number(let x), .number(let y)): return x.isTotallyOrdered(belowOrEqualTo: y) && x.bitPattern != y.bitPattern
        case (.string(let x), .string(let y)): return x < y
        case (.timestamp(let x), .timestamp(let y)), (.duration(let x), .duration(let y)): return x < y
        case (.list(let x), .list(let y)): return x.lexicographicallyPrecedes(y, by: encodingOrder)
        default: return rank(a) < rank(b)
        }
    }

    /// Formats 1–3: every field, always.
    private static func readFullBucket(_ reader: inout ByteReader) throws(ByteReader.Corrupt) -> Bucket {
        var accumulator = MetricAccumulator()
        accumulator.count = try reader.int()
        accumulator.sum = try reader.double()
        accumulator.minimum = try reader.double()
        accumulator.maximum = try reader.double()
        accumulator.firstMs = try reader.int()
        accumulator.lastMs = try reader.int()
        let lastValue = try reader.value()
        var distinct: Set<Value> = []
        for _ in 0..<(try reader.count()) { distinct.insert(try reader.value()) }
        return (accumulator, lastValue, distinct)
    }

    /// A metric's state from its buckets: the kept values and sets go beside the buckets only
    /// when some bucket keeps one (as ``MetricState/add(_:at:metric:nowMs:)`` builds them).
    private static func metricState(_ buckets: [(start: Int64, bucket: Bucket)]) -> MetricState {
        var metric = MetricState()
        metric.buckets = buckets.map { MetricBucket(start: $0.start, accumulator: $0.bucket.accumulator) }
        if buckets.contains(where: { $0.bucket.lastValue != .null }) { metric.lastValues = buckets.map(\.bucket.lastValue) }
        if buckets.contains(where: { !$0.bucket.distinct.isEmpty }) { metric.distinctValues = buckets.map(\.bucket.distinct) }
        return metric
    }
}
