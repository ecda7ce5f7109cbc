/// The fixed 19-byte header of every event.
public struct BinlogEventHeader: Sendable, Equatable {
    /// Seconds since the epoch when the statement began on the source.
    public var timestamp: UInt32
    public var type: UInt8
    public var serverId: UInt32
    public var length: UInt32
    /// Where the next event starts in the file (0 for artificial events).
    public var nextPosition: UInt32
    public var flags: UInt16

    /// Set on events the server makes up for the stream (the first ROTATE), not in the file.
    public var isArtificial: Bool { flags & 0x20 != 0 }
}
