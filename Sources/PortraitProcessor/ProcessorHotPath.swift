import Foundation
import PortraitCore
import Redis

/// The processor's CPU work on a batch of event messages, phase by phase, with no Kafka, Redis
/// or thread in between (`portrait bench hot-path`): decoding, folding into each user's
/// profile (also as live: evaluating after each), evaluating each profile once, then building
/// its write's commands. The whole benchmarks share two cores with Redis and the mock cluster,
/// and vary by a tenth from run to run; this one runs alone on one core, so a change of a few
/// percent shows.
public enum ProcessorHotPath {
    /// Nanoseconds per message spent in each phase.
    public struct Timings: Sendable {
        public var decodeNs: Double
        public var foldNs: Double
        /// Per held profile (user), not per message: one evaluation of its metrics and tags.
        public var evaluateNsPerUser: Double
        /// Folding each message and evaluating its profile right after, as the live processor
        /// does (a recompute evaluates once per user, before the write).
        public var liveFoldNs: Double
        public var writeNs: Double
        /// Bytes of commands built per user, to check two runs built the same writes.
        public var commandBytesPerUser: Double

        /// Each phase's faster time of two runs.
        public func fastest(_ other: Timings) -> Timings {
            Timings(
                decodeNs: min(decodeNs, other.decodeNs), foldNs: min(foldNs, other.foldNs),
                evaluateNsPerUser: min(evaluateNsPerUser, other.evaluateNsPerUser), liveFoldNs: min(liveFoldNs, other.liveFoldNs),
                writeNs: min(writeNs, other.writeNs),
                commandBytesPerUser: commandBytesPerUser)
        }
    }

    /// Runs the phases once over `messages` (values of the events topic
    /// `<topicPrefix>.events`), with `definitions`.
    public static func run(messages: [[UInt8]], topicPrefix: String, definitions: DefinitionSet) -> Timings {
        var mapping = ProfileMapping()
        mapping.eventTopics = ["events"]
        let topic = "\(topicPrefix).events"
        let decoder = InputDecoder(
            mapping: mapping, topicPrefix: topicPrefix, eventFieldTypes: DefinitionValidator.standardEventFields)
        let evaluator = ProfileEvaluator(definitions: definitions)

        var clock = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now
            defer { clock = now }
            let elapsed = now - clock
            return Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        }

        var inputs: [ProfileInput] = []
        inputs.reserveCapacity(messages.count)
        for message in messages {
            if case .input(let input) = decoder.decode(topic: topic, value: message) { inputs.append(input) }
        }
        let decodeNs = lap()

        // The user's held profile found by id, then the job's own fold of the input (and, as
        // live, an evaluation after each).
        func fold(evaluatingEach: Bool) -> [HeldProfile] {
            var slots: [String: Int] = [:]
            var held: [HeldProfile] = []
            for (offset, input) in inputs.enumerated() {
                let slot = slots[input.userId, default: held.count]
                if slot == held.count {
                    slots[input.userId] = slot
                    var state = ProfileState(userId: input.userId)
                    state.denseId = Int64(slot)
                    held.append(HeldProfile(state: state, stored: nil))
                }
                var folded = FoldedInputs()
                let pending = [ProfileJob.Input(source: topic, offset: Int64(offset), input: input)]
                guard ProfileJob.fold(pending, into: &held[slot].state, folded: &folded, evaluator: evaluator) else { continue }
                if evaluatingEach { evaluator.evaluate(&held[slot].state) }
                held[slot].noteChange(folded: folded)
            }
            return held
        }
        let liveFoldNs = withExtendedLifetime(fold(evaluatingEach: true)) { _ in lap() }
        _ = lap()  // those profiles were freed just now, outside the phases' times
        var held = fold(evaluatingEach: false)
        let foldNs = lap()

        for index in held.indices { evaluator.evaluate(&held[index].state) }
        let evaluateNs = lap()

        var commandBytes = 0
        let stateKeys = definitions.stateKeys
        for start in stride(from: 0, to: held.count, by: RedisProfileStore.writesPerTransaction) {
            var writes: [ProfileWrite] = []
            for index in start..<min(held.count, start + RedisProfileStore.writesPerTransaction) {
                writes.append(held[index].takeForWrite(partition: 0).write(tagVersions: [:], stateKeys: stateKeys))
            }
            var commands = RESPCommands()
            ProfileFlushCommands.append(writes, updatedMs: 0, to: &commands)
            commandBytes += commands.bytes.count
        }
        let writeNs = lap()

        let count = Double(max(1, messages.count))
        return Timings(
            decodeNs: decodeNs / count, foldNs: foldNs / count, evaluateNsPerUser: evaluateNs / Double(max(1, held.count)),
            liveFoldNs: liveFoldNs / count, writeNs: writeNs / count,
            commandBytesPerUser: Double(commandBytes) / Double(max(1, held.count)))
    }
}
