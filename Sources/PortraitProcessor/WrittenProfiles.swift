import PortraitCore

/// What ``ProcessorOptions/onProfilesWritten`` is given after Redis acknowledged a write: the
/// profiles with the partition each belongs to — a user's profile after each of its inputs in
/// the batch, in order, the written one last — and every owned partition's watermark (event
/// time the partition has passed: every input up to it is folded in and already passed to the
/// observer). Empty `profiles` report a watermark that moved without a write.
public struct WrittenProfiles: Sendable {
    public var profiles: [(state: ProfileState, partition: Int32)]
    public var watermarks: [Int32: Int64]

    public init(profiles: [(state: ProfileState, partition: Int32)], watermarks: [Int32: Int64]) {
        self.profiles = profiles
        self.watermarks = watermarks
    }
}
