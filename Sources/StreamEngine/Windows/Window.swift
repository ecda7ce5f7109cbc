/// A window: a namespace of keyed state with the last timestamp it covers.
public protocol Window: StateHashable, Sendable, StateCodable {
    /// The largest timestamp that belongs to the window; it fires when the watermark reaches it.
    var maxTimestamp: Int64 { get }
}
