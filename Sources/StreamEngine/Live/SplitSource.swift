/// The input of a ``LiveKeyedRunner``: splits (Kafka topic-partitions) that come and go at run
/// time as something outside the engine assigns them (Kafka's consumer-group protocol: there is
/// no coordinator of our own). A split belongs to a key group, the unit of ownership; inputs
/// co-partitioned by key put partition `p` of every topic in key group `p`.
public protocol SplitSource<Record, Position>: AnyObject {
    /// What one poll hands over (a Kafka message).
    associatedtype Record
    /// Where a split resumes, as committed (a Kafka topic-partition and offset).
    associatedtype Position

    /// Waits up to `timeoutMs` for the first record, then takes what else is ready.
    func poll(maxRecords: Int, timeoutMs: Int) throws -> [Record]
    /// The key groups whose splits are assigned now.
    func assignedKeyGroups() throws -> Set<Int32>
    /// Records that everything before `positions` is applied and acknowledged by the sink.
    /// Returns false when the assignment was changing (a rebalance, an eviction): nothing was
    /// committed, and the next owner reads those records again.
    @discardableResult
    func commit(_ positions: [Position]) throws -> Bool
    /// Records not read yet (`nil` while nothing is assigned).
    func lag() throws -> Int64?
    /// Records waiting beyond what was read, as far as is cheaply known (`nil`: unknown).
    func backlog() throws -> Int64?
    /// Moves every assigned split back to its committed position, so records read since are
    /// read again (after a failed checkpoint). Returns false for a source that cannot.
    func rewindToCommitted() throws -> Bool
    /// A bounded source that has delivered all it will.
    var isExhausted: Bool { get }
    /// Key groups of a bounded source that will deliver no more records, while others still
    /// do (a replay that reads key group after key group): the runner writes their keys and
    /// lets them go, so memory holds the key groups being read, not the whole run's keys.
    var finishedKeyGroups: Set<Int32> { get }
    func close()
}

extension SplitSource {
    /// An unbounded source finishes nothing.
    public var finishedKeyGroups: Set<Int32> { [] }
}
