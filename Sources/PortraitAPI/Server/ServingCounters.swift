import Synchronization

/// How many requests the server answered outside Hummingbird, for tests and diagnostics.
public final class ServingCounters: Sendable {
    private let fastPath = Atomic<Int>(0)

    public init() {}

    /// Requests ``ProfileFastPath`` answered (any status).
    public var profileFastPathAnswers: Int { fastPath.load(ordering: .relaxed) }

    func countFastPathAnswer() { fastPath.add(1, ordering: .relaxed) }
}
