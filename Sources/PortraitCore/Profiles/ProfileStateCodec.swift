import TagLang

/// The engine-state blob kept beside each profile (`s:{userId}` in Redis): a versioned binary
/// encoding of ``ProfileState``. Tables are written in their name order, so equal states give
/// equal bytes (a recompute can be compared byte for byte with the stream's result).
public enum ProfileStateCodec {
    /// 2 added the model outputs; 3 the recent event ids (issue 17). Older blobs still read.
    static let formatVersion: UInt8 = 3

    public struct DecodingError: Error, CustomStringConvertible {
        public let userId: String
        public var description: String { "the stored state of user '\(userId)' is corrupt or from an unknown format" }
    }

    public static func encode(_ state: ProfileState) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes.reserveCapacity(256)
        writer.bytes.append(formatVersion)
        writer.string(state.userId)
        writer.int(state.denseId ?? -1)
        writer.int(state.clockMs)
        writer.int(state.nextTimerMs ?? .min)
        writeValues(state.attributes, to: &writer)
        writeValues(state.metricValues, to: &writer)
        writeValues(state.tags, to: &writer)
        writeValues(state.modelOutputs, to: &writer)
        writer.int(Int64(state.fences.count))
        for (source, offset) in state.fences.sorted(by: { $0.key < $1.key }) {
            writer.string(source)
            writer.int(offset)
        }
        // By index, not by iterator: each element is read in place instead of copied out
        // (an accumulator holds a set and a value).
        let metricStates = state.metricStates
        writer.int(Int64(metricStates.count))
        for index in 0..<metricStates.count {
            writer.string(metricStates.names[index])
            let metric = metricStates.values[index]
            writer.int(Int64(metric.bucketStarts.count))
            for bucket in metric.bucketStarts.indices {
                writer.int(metric.bucketStarts[bucket])
                write(metric.accumulators[bucket], to: &writer)
            }
        }
        writer.int(Int64(state.recentEventIds.entries.count))
        for entry in state.recentEventIds.entries {
            writer.string(entry.id)
            writer.int(entry.timestampMs)
        }
        return writer.bytes
    }

    public static func decode(_ bytes: [UInt8], userId: String) throws(DecodingError) -> ProfileState {
        var reader = ByteReader(bytes)
        do {
            let version = try reader.byte()
            guard (1...formatVersion).contains(version) else { throw ByteReader.Corrupt() }
            var state = ProfileState(userId: try reader.string())
            let dense = try reader.int()
            state.denseId = dense >= 0 ? dense : nil
            state.clockMs = try reader.int()
            let timer = try reader.int()
            state.nextTimerMs = timer == .min ? nil : timer
            state.attributes = try readValues(&reader)
            state.metricValues = try readValues(&reader)
            state.tags = try readValues(&reader)
            if version >= 2 { state.modelOutputs = try readValues(&reader) }
            for _ in 0..<(try reader.count()) { state.fences[try reader.string()] = try reader.int() }
            for _ in 0..<(try reader.count()) {
                let key = try reader.string()
                var metric = MetricState()
                for _ in 0..<(try reader.count()) {
                    metric.bucketStarts.append(try reader.int())
                    metric.accumulators.append(try readAccumulator(&reader))
                }
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

    private static func write(_ accumulator: MetricAccumulator, to writer: inout ByteWriter) {
        writer.int(accumulator.count)
        writer.double(accumulator.sum)
        writer.double(accumulator.minimum)
        writer.double(accumulator.maximum)
        writer.int(accumulator.firstMs)
        writer.int(accumulator.lastMs)
        writer.value(accumulator.lastValue)
        writer.int(Int64(accumulator.distinct.count))
        if !accumulator.distinct.isEmpty { accumulator.distinct.sorted(by: Self.encodingOrder).forEach { writer.value($0) } }
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

    private static func readAccumulator(_ reader: inout ByteReader) throws(ByteReader.Corrupt) -> MetricAccumulator {
        var accumulator = MetricAccumulator()
        accumulator.count = try reader.int()
        accumulator.sum = try reader.double()
        accumulator.minimum = try reader.double()
        accumulator.maximum = try reader.double()
        accumulator.firstMs = try reader.int()
        accumulator.lastMs = try reader.int()
        accumulator.lastValue = try reader.value()
        for _ in 0..<(try reader.count()) { accumulator.distinct.insert(try reader.value()) }
        return accumulator
    }
}
