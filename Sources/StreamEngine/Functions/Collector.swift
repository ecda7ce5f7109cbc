/// A reusable buffer that user functions emit into.
///
/// The operator drains it after every call and keeps its capacity, so emitting allocates
/// nothing once warmed up.
public struct Collector<Element> {
    @usableFromInline var buffer: [Element] = []

    /// The elements emitted since the last drain.
    public var elements: [Element] { buffer }

    /// Creates an empty collector.
    public init() {}

    /// Emits an element.
    @inlinable
    public mutating func collect(_ element: Element) { buffer.append(element) }

    /// Hands every buffered element to `body` and empties the buffer, keeping capacity.
    @inlinable
    public mutating func drain(_ body: (Element) -> Void) {
        guard !buffer.isEmpty else { return }
        for element in buffer { body(element) }
        buffer.removeAll(keepingCapacity: true)
    }
}
