/// What became of one run a scheduler started.
public struct RunReport: Sendable, Equatable {
    /// The run as it was recorded when it started.
    public var run: JobRun
    /// What the scheduler recorded (or tried to) when it ended.
    public var completion: RunCompletion
    /// `false` when the lease was taken over meanwhile, so the completion was refused.
    public var recorded: Bool
}
