/// A record routed to a keyed task, with its key computed once at the source.
public struct RoutedRecord<Key: Sendable, Element: Sendable>: Sendable {
    /// The record's key.
    public var key: Key
    /// The record.
    public var element: Element
    /// Its event timestamp.
    public var timestamp: Int64

    @inlinable
    init(key: Key, element: Element, timestamp: Int64) {
        self.key = key
        self.element = element
        self.timestamp = timestamp
    }
}

/// What flows from a source task (input `input`) to a keyed task.
@usableFromInline
enum TaskMessage<Key: Sendable, Element: Sendable>: Sendable {
    /// A batch of records, in source order.
    case records(input: Int, [RoutedRecord<Key, Element>])
    /// The input's watermark advanced.
    case watermark(input: Int, Int64)
    /// The input has no data right now.
    case idle(input: Int)
    /// Checkpoint barrier: everything before it belongs to checkpoint `id`.
    case barrier(input: Int, id: Int64)
    /// The input ended.
    case end(input: Int)

    @inlinable
    var input: Int {
        switch self {
        case .records(let input, _), .watermark(let input, _), .idle(let input), .barrier(let input, _), .end(let input): input
        }
    }
}
