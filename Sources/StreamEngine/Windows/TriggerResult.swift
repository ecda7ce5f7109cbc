/// What a trigger decides for a window.
public enum TriggerResult: Sendable, Hashable {
    /// Do nothing.
    case `continue`
    /// Emit the window's current aggregate, keep its state.
    case fire
    /// Drop the window's state without emitting.
    case purge
    /// Emit, then drop the state.
    case fireAndPurge

    /// Whether the window emits.
    @inlinable public var fires: Bool { self == .fire || self == .fireAndPurge }
    /// Whether the window's state is dropped.
    @inlinable public var purges: Bool { self == .purge || self == .fireAndPurge }
}
