import Foundation

/// A blocking FIFO with a fixed capacity: the queue between a source task and a keyed task.
///
/// A full channel blocks the sender, which is the engine's backpressure. Messages are batches
/// of records, so the lock is taken once per batch, never per record.
// @unchecked Sendable: every access to `buffer`, `head`, `count` and `closed` happens while holding `condition`.
@usableFromInline final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    let condition = NSCondition()
    var buffer: [Element?]
    var head = 0
    var count = 0
    var closed = false

    @usableFromInline
    init(capacity: Int) {
        buffer = Array(repeating: nil, count: max(1, capacity))
    }

    /// Appends `element`, blocking while full; returns false if the channel was closed.
    @usableFromInline
    @discardableResult
    func send(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == buffer.count, !closed { condition.wait() }
        guard !closed else { return false }
        buffer[(head + count) % buffer.count] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Removes the oldest element, blocking while empty; `nil` once closed and drained.
    @usableFromInline
    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0, !closed { condition.wait() }
        guard count > 0 else { return nil }
        let element = buffer[head]
        buffer[head] = nil
        head = (head + 1) % buffer.count
        count -= 1
        condition.broadcast()
        return element
    }

    /// Wakes every waiter; later sends fail and receives drain what is left.
    @usableFromInline
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
