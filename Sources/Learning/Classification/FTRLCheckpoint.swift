/// An FTRL learner's state between runs (``FTRLLearner/checkpoint``): the accumulated `z` and
/// `n` per coordinate, interleaved, the intercept's last, and the examples seen. A restarted
/// online learner continues from it instead of from zero.
public struct FTRLCheckpoint: Codable, Equatable, Sendable {
    public var examplesSeen: Int
    public var state: [Double]

    public init(examplesSeen: Int, state: [Double]) {
        self.examplesSeen = examplesSeen
        self.state = state
    }
}
