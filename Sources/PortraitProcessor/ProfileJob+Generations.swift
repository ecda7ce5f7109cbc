import Kafka
import StreamEngine

/// Following a recompute: a new profile generation swapped into the database (docs/RECOMPUTE.md)
/// makes the processor drop what it cached of the old one and rewind to the switch point.
extension ProfileJob {
    /// Notices a generation swapped in by a recompute: forgets held profiles (they belong to
    /// the old generation, and what was not written yet is read again) and rewinds to the
    /// switch point. Returns the messages still to process.
    func followGeneration(_ messages: [KafkaMessage], runner: LiveKeyedRunner<ProfileJob>) throws -> [KafkaMessage] {
        let current = try store.generation()
        guard current != profileGeneration else { return messages }
        logger.info("profile generation switched", metadata: ["from": "\(profileGeneration)", "to": "\(current)"])
        profileGeneration = current
        // The swapped-in database holds the recompute's keys, not this processor's owner epochs.
        if !options.deferWrites { epochs = try store.takeOwnership(of: owned.sorted()) }
        try runner.resetKeyedState()
        scoredPartitions = []  // the recompute may have scored with an earlier version
        return try rewindToSwitchPoint(messages)
    }

    /// Rewinds each owned partition this group has not rewound in this generation to where the
    /// generation was computed up to, commits that position (a crash right after must not skip
    /// the replay), and drops the polled messages of those partitions (they are read again).
    func rewindToSwitchPoint(_ messages: [KafkaMessage]) throws -> [KafkaMessage] {
        guard profileGeneration > 0 else { return messages }
        let switchOffsets = try store.switchOffsets()
        guard !switchOffsets.isEmpty else { return messages }  // a recompute's own scratch database
        let assigned = try source.assignment()
        let fields = assigned.map { "\(options.groupId)/\($0.topic)/\($0.partition)" }
        let done = try store.adopted(fields)
        var rewound: [KafkaTopicPartition] = []
        for (partition, isDone) in zip(assigned, done) where !isDone {
            guard let offset = switchOffsets["\(partition.topic)/\(partition.partition)"] else { continue }
            rewound.append(KafkaTopicPartition(topic: partition.topic, partition: partition.partition, offset: offset))
        }
        try source.seek(rewound)
        try source.commit(rewound)
        try store.markAdopted(zip(fields, done).filter { !$0.1 }.map(\.0))
        if !rewound.isEmpty { logger.info("rewound to the generation's switch point", metadata: ["positions": "\(rewound)"]) }
        let again = Set(rewound.map { "\($0.topic)/\($0.partition)" })
        return messages.filter { !again.contains("\($0.topic)/\($0.partition)") }
    }

    /// A flush was refused because a generation was swapped in: adopt it (rewinding to its
    /// switch point), and read everything not yet written again from the committed offsets.
    func replayAfterSwitch(runner: LiveKeyedRunner<ProfileJob>) throws {
        _ = try followGeneration([], runner: runner)
        _ = try source.rewindToCommitted()
    }
}
