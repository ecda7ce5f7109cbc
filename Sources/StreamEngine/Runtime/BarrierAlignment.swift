/// Tracks checkpoint-barrier alignment in a keyed task (Flink's aligned checkpoints).
///
/// After an input delivers the barrier, its later messages are buffered until every other
/// input has delivered it too (or ended); then the task snapshots and replays the buffer.
@usableFromInline
struct BarrierAlignment<Message> {
    @usableFromInline var pendingID: Int64?
    @usableFromInline var arrived: [Bool]
    @usableFromInline var buffered: [Message] = []

    @usableFromInline
    init(inputs: Int) {
        arrived = Array(repeating: false, count: inputs)
    }

    @inlinable
    func isBlocked(_ input: Int) -> Bool { pendingID != nil && arrived[input] }

    @inlinable
    mutating func buffer(_ message: Message) { buffered.append(message) }

    @inlinable
    mutating func barrierArrived(_ id: Int64, input: Int) {
        pendingID = id
        arrived[input] = true
    }

    /// The checkpoint that just became aligned, if any.
    @inlinable
    func alignedCheckpoint(isFinished: (Int) -> Bool) -> Int64? {
        guard let pendingID else { return nil }
        for input in arrived.indices where !arrived[input] && !isFinished(input) { return nil }
        return pendingID
    }

    /// Ends the alignment and hands back the buffered messages in arrival order.
    @inlinable
    mutating func release() -> [Message] {
        pendingID = nil
        for input in arrived.indices { arrived[input] = false }
        defer { buffered = [] }
        return buffered
    }
}
