import JSON
import PortraitCore
import PortraitProcessor
import PortraitSegments
import Redis

/// The picture of a segment beside the whole population: tag shares counted exactly on the
/// bitmaps (intersections inside Redis), attribute distributions and metric histograms from
/// profiles sampled evenly from both (every profile when a group is no larger than the sample).
struct GroupPortrait {
    let bitmaps: AsyncSegmentBitmaps
    let tags: [TagDefinition]
    /// Categorical attributes (string or boolean), read from sampled profiles.
    let attributes: [String]
    let metrics: [String]
    let sampleSize: Int
    let bins: Int
    /// Most values listed per attribute; the rest are summed as `(other)`.
    static let valueLimit = 20

    struct Counts {
        var size: Int64 = 0
        var population: Int64 = 0
        /// Per bitmap key base (`tag` or `tag=value`): (in segment, in population).
        var tags: [String: (segment: Int64, population: Int64)] = [:]
        var segmentIds: [Int64] = []
        var populationIds: [Int64] = []
    }

    func compute(_ plan: SegmentPlan) async throws -> JSONValue {
        let enumerated = tags.filter { $0.kind == .enumerated }.map(\.name)
        let valueReplies = try await bitmaps.redis.pipeline(enumerated.map { [ "SMEMBERS", ProfileKeys.tagValues($0)] })
        var leaves: [(tag: String, value: String?)] = tags.filter { $0.kind == .boolean }.map { ($0.name, nil) }
        for (tag, reply) in zip(enumerated, valueReplies) {
            let values = (try reply.throwIfError().array ?? []).compactMap(\.string).sorted()
            leaves += values.map { (tag, $0) }
        }
        var counts = Counts()
        for shard in try await bitmaps.shards() { try await count(plan, leaves: leaves, shard: shard, into: &counts) }
        let segmentSample = try await profiles(BitmapMembers.sample(counts.segmentIds, size: sampleSize))
        let populationSample = try await profiles(BitmapMembers.sample(counts.populationIds, size: sampleSize))
        return .object([
            "size": .integer(counts.size), "population": .integer(counts.population),
            "boolean_tags": .array(tags.filter { $0.kind == .boolean }.map { tag in
                var object = shares(counts.tags[tag.name] ?? (0, 0), counts)
                object["tag"] = .string(tag.name)
                return .object(object)
            }),
            "enumerated_tags": .array(enumerated.map { tag in
                .object(["tag": .string(tag), "values": .array(leaves.filter { $0.tag == tag }.compactMap(\.value).map { value in
                    var object = shares(counts.tags["\(tag)=\(value)"] ?? (0, 0), counts)
                    object["value"] = .string(value)
                    return .object(object)
                })])
            }),
            "attributes": .object([
                "segment_sample_size": .integer(Int64(segmentSample.count)),
                "population_sample_size": .integer(Int64(populationSample.count)),
                "items": .array(attributes.map { distribution($0, segmentSample, populationSample) }),
            ]),
            "metrics": .array(metrics.map { histogram($0, segmentSample, populationSample) }),
        ])
    }

    /// One pipeline per shard: the segment's bitmap, its intersection with every tag bitmap,
    /// the counts, and both groups' members for sampling.
    private func count(_ plan: SegmentPlan, leaves: [(tag: String, value: String?)], shard: Int64, into counts: inout Counts) async throws {
        let population = ProfileKeys.population(shard: shard)
        let scratch = "tmp:segment:\(bitmaps.token):\(shard):x"
        let replies = try await bitmaps.withResult(plan, shard: shard) { key, commands in
            commands.append(["BITCOUNT", key])
            commands.append(["GET", key])
            commands.append(["GET", population])
            for leaf in leaves {
                let tagKey = ProfileKeys.bitmap(tag: leaf.tag, value: leaf.value, shard: shard)
                commands.append(["BITOP", "AND", scratch, key, tagKey])
                commands.append(["BITCOUNT", scratch])
                commands.append(["BITCOUNT", tagKey])
            }
            commands.append(["DEL", scratch])
            return { $0 }
        }
        counts.size += replies[0].int ?? 0
        counts.segmentIds += BitmapMembers.ids(replies[1].bytes ?? [], shard: shard)
        let populationIds = BitmapMembers.ids(replies[2].bytes ?? [], shard: shard)
        counts.population += Int64(populationIds.count)
        counts.populationIds += populationIds
        for (index, leaf) in leaves.enumerated() {
            let name = leaf.value.map { "\(leaf.tag)=\($0)" } ?? leaf.tag
            let segment = replies[3 + 3 * index + 1].int ?? 0
            let all = replies[3 + 3 * index + 2].int ?? 0
            let before = counts.tags[name] ?? (0, 0)
            counts.tags[name] = (before.segment + segment, before.population + all)
        }
    }

    private func shares(_ pair: (segment: Int64, population: Int64), _ counts: Counts) -> [String: JSONValue] {
        [
            "segment_count": .integer(pair.segment), "population_count": .integer(pair.population),
            "segment_share": .number(counts.size == 0 ? 0 : Double(pair.segment) / Double(counts.size)),
            "population_share": .number(counts.population == 0 ? 0 : Double(pair.population) / Double(counts.population)),
        ]
    }

    /// The profiles of dense ids (ids without a user any more are left out).
    private func profiles(_ ids: [Int64]) async throws -> [[String: String]] {
        try await ProfileReads(redis: bitmaps.redis).profiles(try await bitmaps.userIds(ids)).filter { !$0.isEmpty }
    }

    private func distribution(_ attribute: String, _ segment: [[String: String]], _ population: [[String: String]]) -> JSONValue {
        let field = "a." + attribute
        var inSegment: [String: Int64] = [:], inPopulation: [String: Int64] = [:]
        for profile in segment { inSegment[profile[field] ?? "", default: 0] += 1 }
        for profile in population { inPopulation[profile[field] ?? "", default: 0] += 1 }
        let ranked = Set(inSegment.keys).union(inPopulation.keys).sorted {
            (inPopulation[$0] ?? 0, inSegment[$0] ?? 0, $1) > (inPopulation[$1] ?? 0, inSegment[$1] ?? 0, $0)
        }
        var values: [JSONValue] = ranked.prefix(Self.valueLimit).map { value in
            .object(["value": value.isEmpty ? .null : .string(value),
                     "segment_count": .integer(inSegment[value] ?? 0), "population_count": .integer(inPopulation[value] ?? 0)])
        }
        let rest = ranked.dropFirst(Self.valueLimit)
        if !rest.isEmpty {
            values.append(.object(["value": .string("(other)"),
                                   "segment_count": .integer(rest.reduce(0) { $0 + (inSegment[$1] ?? 0) }),
                                   "population_count": .integer(rest.reduce(0) { $0 + (inPopulation[$1] ?? 0) })]))
        }
        return .object(["attribute": .string(attribute), "values": .array(values)])
    }

    /// Equal-width bins over the range both groups' values span; profiles without the metric
    /// are counted as missing.
    private func histogram(_ metric: String, _ segment: [[String: String]], _ population: [[String: String]]) -> JSONValue {
        let field = "m." + metric
        let segmentValues = segment.compactMap { $0[field].flatMap(Double.init) }.filter(\.isFinite)
        let populationValues = population.compactMap { $0[field].flatMap(Double.init) }.filter(\.isFinite)
        let all = segmentValues + populationValues
        var binObjects: [JSONValue] = []
        if let low = all.min(), let high = all.max() {
            let count = high > low ? bins : 1
            let width = high > low ? (high - low) / Double(count) : 1
            func index(_ value: Double) -> Int { min(count - 1, Int((value - low) / width)) }
            var inSegment = [Int64](repeating: 0, count: count), inPopulation = [Int64](repeating: 0, count: count)
            for value in segmentValues { inSegment[index(value)] += 1 }
            for value in populationValues { inPopulation[index(value)] += 1 }
            binObjects = (0..<count).map { bin in
                .object(["lower": .number(low + Double(bin) * width), "upper": .number(bin == count - 1 ? high : low + Double(bin + 1) * width),
                         "segment_count": .integer(inSegment[bin]), "population_count": .integer(inPopulation[bin])])
            }
        }
        func mean(_ values: [Double]) -> JSONValue { values.isEmpty ? .null : .number(values.reduce(0, +) / Double(values.count)) }
        return .object([
            "metric": .string(metric),
            "segment_sample_size": .integer(Int64(segment.count)), "population_sample_size": .integer(Int64(population.count)),
            "segment_missing": .integer(Int64(segment.count - segmentValues.count)),
            "population_missing": .integer(Int64(population.count - populationValues.count)),
            "segment_mean": mean(segmentValues), "population_mean": mean(populationValues),
            "bins": .array(binObjects),
        ])
    }
}
